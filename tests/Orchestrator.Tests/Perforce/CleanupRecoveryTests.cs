using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>The server cleanup of an ended job survives the orchestrator dying while it ran: the next start does it.</summary>
public sealed class CleanupRecoveryTests
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task Cleanup_OrchestratorKilledWhileItRan_NextStartCleansTheServer()
    {
        using var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("two", "TWO", StringComparison.Ordinal));
        await depot.SubmitAsync("Edit on rel", ("rel/a.txt", Base.Replace("two", "deux", StringComparison.Ordinal), null));
        var home = OrchestratorProcess.CreateHome();
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_state_management__resolve_check_interval"] = "3600",
        };
        string jobId;
        await using (var first = OrchestratorProcess.Start(home, environment: environment))
        {
            await first.WaitReadyAsync();
            using var started = await first.Client.PostJsonAsync(PerforceOrchestrator.Runs, new JsonObject
            {
                ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root,
            });
            jobId = (await started.ReadJsonAsync()).Str("jobId");
            await first.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);

            // The cleanup's first step hangs (a server that stops answering), and the orchestrator dies meanwhile.
            await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "hang", ["commands"] = new JsonArray("revert") });
            (await first.Client.PostJsonAsync($"/api/jobs/{jobId}/cancel", new JsonObject { ["reason"] = "not needed" })).EnsureSuccessStatusCode();
            // A command is logged when it ends: the hanging revert is seen as a process.
            await Eventually.Until(() => ProgramRun.ShellAsync($"pgrep -f 'revert -k //p4flow-{jobId}/' || true"),
                pids => pids.Length > 0, TimeSpan.FromSeconds(120), "the cleanup's revert to be running");
            await first.KillAsync();
        }
        Assert.NotEmpty(await depot.LeftoversOfAsync("p4flow-" + jobId));

        await depot.InjectFaultsAsync();
        await using var second = OrchestratorProcess.Start(home, environment: environment);
        await second.WaitReadyAsync();
        var job = await second.Client.WaitForJobAsync(jobId, j => j["cleanup"]?.Str("status") == "DONE", "the next start to clean up", seconds: 300);

        Assert.Equal("Cancelled", job.Str("status"));
        Assert.Empty(await depot.LeftoversOfAsync("p4flow-" + jobId));
    }
}
