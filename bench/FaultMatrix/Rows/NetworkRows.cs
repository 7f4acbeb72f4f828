using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace P4Flow.FaultMatrix;

/// <summary>The hub and its agent cut apart by a silent partition, then joined again.</summary>
internal static class NetworkRows
{
    public static async Task<RowResult> CutAsync(TimeSpan cut)
    {
        await using var rig = await Rig.CreateAsync(3);
        await rig.StartOrchestratorAsync();
        rig.StartAgent();
        await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));
        // Each command takes a second: the jobs are mid-way when the network goes.
        await rig.Depot.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 1000 });
        var jobs = await rig.StartJobsAsync(3);
        await rig.WaitForStageAsync(jobs, TimeSpan.FromMinutes(2), "INTEGRATE");
        rig.Network.Cut();
        // The fault's length is the row's subject, not a wait for a condition.
        await Task.Delay(cut);
        rig.Network.Join();
        var joined = Stopwatch.StartNew();
        var ends = await rig.WaitForEndAsync(jobs, TimeSpan.FromMinutes(5));
        // Recovered: the agent back, and every job that did not submit cleaned up on the server.
        await rig.WaitAgentHealthyAsync(TimeSpan.FromMinutes(3));
        var left = await rig.LeftOnTheServerAsync(ends, TimeSpan.FromMinutes(3));
        var recovered = joined.Elapsed;
        var seconds = cut.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        // agents.lost_grace (120 s) is how long a job waits for its agent: past it the job fails AGENT_LOST, named,
        // rather than wait without end, and its cleanup runs once the agent is back.
        var result = RowResult.From($"hub and agent cut apart {seconds} s", ends, await rig.RunTwiceAsync(), recovered,
            e => e.Submitted || (cut.TotalSeconds > 120 && e.ErrorClass == "AGENT_LOST"),
            (cut.TotalSeconds > 120 ? "past agents.lost_grace (120 s) a job fails AGENT_LOST rather than wait without end; " : "")
            + $"the agent reconnects; {left} files, changes or clients left on the server");
        return result with { Passed = result.Passed && left == 0 };
    }
}
