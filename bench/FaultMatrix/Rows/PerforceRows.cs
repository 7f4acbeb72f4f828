using System.Diagnostics;
using System.Text.Json.Nodes;
using P4Flow.TestSupport;

namespace P4Flow.FaultMatrix;

/// <summary>The Perforce server slow, hung, unreachable (the simulator's faults.json).</summary>
internal static class PerforceRows
{
    public static async Task<RowResult> SlowAsync()
    {
        await using var rig = await StartedAsync(3);
        await rig.Depot.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 1500 });
        var clock = Stopwatch.StartNew();
        var jobs = await rig.StartJobsAsync(3);
        var ends = await rig.WaitForEndAsync(jobs, TimeSpan.FromMinutes(5));
        return RowResult.From("Perforce slow (1.5 s per command)", ends, await rig.RunTwiceAsync(), clock.Elapsed, e => e.Submitted);
    }

    /// <summary>integrate never answers: the stage's budget (15 s here) ends it, the process tree is killed, the retry meets the same.</summary>
    public static async Task<RowResult> HungAsync()
    {
        await using var rig = await StartedAsync(2, new Dictionary<string, string> { ["P4FLOW_perforce__stage_timeouts__INTEGRATE"] = "15" });
        await rig.Depot.InjectFaultsAsync(new JsonObject { ["kind"] = "hang", ["commands"] = new JsonArray("integrate") });
        var clock = Stopwatch.StartNew();
        var jobs = await rig.StartJobsAsync(2);
        var ends = await rig.WaitForEndAsync(jobs, TimeSpan.FromMinutes(5));
        // No hung p4 outlives its job: the sandbox kills the tree (graceful, then forced after 30 s).
        var left = await Eventually.Until(() => Task.FromResult(rig.ProcessesInWorkspaces()), n => n == 0, TimeSpan.FromSeconds(90), "the hung commands to be killed").ConfigureAwait(false);
        return RowResult.From("Perforce hung (integrate never answers)", ends, await rig.RunTwiceAsync(), clock.Elapsed,
            e => e.ErrorClass == "TIMEOUT", $"{left} p4 process left; the job fails TIMEOUT after its retry instead of hanging");
    }

    public static async Task<RowResult> UnreachableAsync()
    {
        await using var rig = await StartedAsync(2);
        await rig.Depot.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable" });
        var clock = Stopwatch.StartNew();
        var jobs = await rig.StartJobsAsync(2);
        var ends = await rig.WaitForEndAsync(jobs, TimeSpan.FromMinutes(5));
        return RowResult.From("Perforce unreachable", ends, await rig.RunTwiceAsync(), clock.Elapsed,
            e => e.ErrorClass == "NETWORK_ERROR", "NETWORK_ERROR after its retries; the server's circuit opens for the next jobs");
    }

    private static async Task<Rig> StartedAsync(int branches, IDictionary<string, string>? settings = null)
    {
        var rig = await Rig.CreateAsync(branches, settings);
        await rig.StartOrchestratorAsync();
        rig.StartAgent();
        await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));
        return rig;
    }
}
