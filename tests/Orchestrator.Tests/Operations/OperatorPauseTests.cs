using System.Net;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Operations;

/// <summary>The operator's pause on a real orchestrator against the simulator: jobs hold before their next command, across a restart, until resumed.</summary>
public sealed class OperatorPauseTests
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task Pause_JobStartedWhilePaused_RunsNoCommandAcrossARestartThenFinishesOnResume()
    {
        using var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("two", "TWO", StringComparison.Ordinal));
        var home = OrchestratorProcess.CreateHome();
        var settings = new Dictionary<string, string>
        {
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
        };
        var orchestrator = OrchestratorProcess.Start(home, environment: settings);
        try
        {
            await orchestrator.WaitReadyAsync();
            using (var tooLong = await orchestrator.Client.PostJsonAsync("/api/admin/pause", new JsonObject { ["reason"] = new string('x', 501) }))
            {
                Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
                Assert.Contains("reason", (await tooLong.ReadJsonAsync())["errors"]!.AsObject().Select(e => e.Key));
            }
            using (var pause = await orchestrator.Client.PostJsonAsync("/api/admin/pause", new JsonObject { ["reason"] = "server maintenance" }))
            {
                var state = await pause.ReadJsonAsync();
                Assert.True(state["paused"]!.GetValue<bool>());
                Assert.Equal(("bootstrap-admin", "server maintenance"), (state.Str("by"), state.Str("reason")));
            }

            var jobId = await AgentPipelineTests.StartIntegrateAsync(orchestrator, depot);
            await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/admin/pause"), s => s["waiting"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(60), "the job to wait at the pause");
            Assert.DoesNotContain(jobId, await depot.RunAsync("clients"), StringComparison.Ordinal);

            // A restart stays paused; the recovered job waits again.
            await orchestrator.DisposeAsync();
            orchestrator = OrchestratorProcess.Start(home, environment: settings);
            await orchestrator.WaitReadyAsync();
            var again = await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/admin/pause"), s => s["waiting"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(60), "the recovered job to wait at the pause");
            Assert.Equal("server maintenance", again.Str("reason"));
            Assert.NotEqual("Finished", (await orchestrator.Client.GetJsonAsync($"/api/jobs/{jobId}")).Str("status"));

            using (var resume = await orchestrator.Client.PostAsync(new Uri("/api/admin/resume", UriKind.Relative), null))
                Assert.False((await resume.ReadJsonAsync())["paused"]!.GetValue<bool>());
            var job = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted", "to finish once resumed", seconds: 180);
            Assert.Equal("Finished", job.Str("status"));
            Assert.Equal(Base.Replace("two", "TWO", StringComparison.Ordinal), await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));

            var audit = (await File.ReadAllLinesAsync(Path.Combine(home, "logs", "audit.jsonl"))).Select(l => JsonNode.Parse(l)!)
                .Where(l => l.Str("event_type") is "OPERATIONS_PAUSED" or "OPERATIONS_RESUMED").ToList();
            Assert.Equal(["OPERATIONS_PAUSED", "OPERATIONS_RESUMED"], audit.Select(l => l.Str("event_type")));
            Assert.Equal("server maintenance", audit[0].Str("reason"));
            Assert.Equal("resumed; 1 command(s) were waiting", audit[1].Str("reason"));
            Assert.All(audit, l => Assert.Equal("bootstrap-admin", l.Str("user")));
        }
        finally
        {
            await orchestrator.DisposeAsync();
            Directory.Delete(home, recursive: true);
        }
    }
}
