using System.Net;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Operations;

/// <summary>The operator's pause on a real orchestrator against the simulator: a job started while paused waits in QUEUED (nothing of it runs), across a restart, until resumed.</summary>
public sealed class OperatorPauseTests
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task Pause_JobStartedWhilePaused_WaitsInQueuedAcrossARestartThenFinishesOnResume()
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
            await AssertQueuedWhilePausedAsync(orchestrator, jobId);
            Assert.DoesNotContain(jobId, await depot.RunAsync("clients"), StringComparison.Ordinal);

            // A restart stays paused; the recovered job waits again.
            await orchestrator.DisposeAsync();
            orchestrator = OrchestratorProcess.Start(home, environment: settings);
            await orchestrator.WaitReadyAsync();
            var again = await orchestrator.Client.GetJsonAsync("/api/admin/pause");
            Assert.Equal("server maintenance", again.Str("reason"));
            await AssertQueuedWhilePausedAsync(orchestrator, jobId);

            using (var resume = await orchestrator.Client.PostAsync(new Uri("/api/admin/resume", UriKind.Relative), null))
                Assert.False((await resume.ReadJsonAsync())["paused"]!.GetValue<bool>());
            var job = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted", "to finish once resumed", seconds: 180);
            Assert.Equal("Finished", job.Str("status"));
            Assert.Equal(Base.Replace("two", "TWO", StringComparison.Ordinal), await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));

            var audit = (await File.ReadAllLinesAsync(Path.Combine(home, "logs", "audit.jsonl"))).Select(l => JsonNode.Parse(l)!)
                .Where(l => l.Str("event_type") is "OPERATIONS_PAUSED" or "OPERATIONS_RESUMED").ToList();
            Assert.Equal(["OPERATIONS_PAUSED", "OPERATIONS_RESUMED"], audit.Select(l => l.Str("event_type")));
            Assert.Equal("server maintenance", audit[0].Str("reason"));
            Assert.Equal("resumed; 0 command(s) were waiting", audit[1].Str("reason"));
            Assert.All(audit, l => Assert.Equal("bootstrap-admin", l.Str("user")));
        }
        finally
        {
            await orchestrator.DisposeAsync();
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>The job waits in QUEUED, first in line, saying it waits for the pause; admission shows it.</summary>
    private static async Task AssertQueuedWhilePausedAsync(OrchestratorProcess orchestrator, string jobId)
    {
        var job = await orchestrator.Client.GetJsonAsync($"/api/jobs/{jobId}");
        Assert.Equal(("Pending", "QUEUED", 1), (job.Str("status"), job.Str("stage"), job["queuePosition"]!.GetValue<int>()));
        var admission = await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/admission"),
            a => a["waiting"]!.AsArray().Count == 1 && a["waiting"]![0]!.Str("reason").StartsWith("P4Flow is paused by bootstrap-admin", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "admission to show the job waiting for the pause");
        Assert.Equal((jobId, 1, true, 0), (admission["waiting"]![0]!.Str("jobId"), admission["waiting"]![0]!["position"]!.GetValue<int>(), admission["paused"]!.GetValue<bool>(), admission["admitted"]!.GetValue<int>()));
    }
}
