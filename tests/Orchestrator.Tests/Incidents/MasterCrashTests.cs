using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Incidents;

/// <summary>MASTER_CRASH on a real orchestrator: killed with SIGKILL, the next start records what it recovered and tells the admins.</summary>
public sealed class MasterCrashTests
{
    [Fact]
    public async Task Restart_AfterKill9_RecordsIncidentWithRecoveredJobAndNotifies_AfterCleanStopNone()
    {
        var home = OrchestratorProcess.CreateHome("""
            state_management:
              type: "sqlite"
              sqlite_path: "data/p4flow.db"
            notifications:
              channels:
                log:
                  type: "file"
                  path: "data/notifications.jsonl"
              events:
                incident: ["log"]
            """);
        try
        {
            string jobId;
            await using (var first = OrchestratorProcess.Start(home))
            {
                await first.WaitReadyAsync();
                using var start = await first.Client.PostJsonAsync("/api/workflow-definitions/hello-p4flow/runs", new JsonObject { ["greeting"] = "hi" });
                jobId = (await start.ReadJsonAsync()).Str("jobId");
                await first.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_APPROVAL", "to wait for approval");
                Assert.Empty((await first.Client.GetJsonAsync("/api/incidents")).AsArray());
                await first.KillAsync();
            }

            await using (var second = OrchestratorProcess.Start(home))
            {
                await second.WaitReadyAsync();
                var incidents = await Eventually.Until(() => second.Client.GetJsonAsync("/api/incidents"), i => i.AsArray().Count > 0, TimeSpan.FromSeconds(60), "the crash to be recorded");
                var incident = Assert.Single(incidents.AsArray())!;
                Assert.Equal(("MASTER_CRASH", "recovered"), (incident.Str("playbook"), incident.Str("outcome")));
                Assert.Equal(["detect", "recover", "notify"], incident["steps"]!.AsArray().Select(s => s!.Str("step")));
                Assert.Contains("did not stop cleanly", incident["steps"]![0]!.Str("detail"), StringComparison.Ordinal);
                Assert.Contains(jobId, incident["steps"]![1]!.Str("detail"), StringComparison.Ordinal);
                Assert.Equal("done", incident["steps"]![2]!.Str("outcome"));
                // The admins are told, through the routed channel.
                var told = await Eventually.Until(() => Task.FromResult(File.Exists(Path.Combine(home, "data", "notifications.jsonl")) ? File.ReadAllText(Path.Combine(home, "data", "notifications.jsonl")) : ""),
                    t => t.Contains("MASTER_CRASH", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the incident notification");
                Assert.Contains("resumed", told, StringComparison.Ordinal);
                // The job it recovered is still there, waiting as before.
                Assert.Equal("NEEDS_APPROVAL", (await second.Client.GetJsonAsync($"/api/jobs/{jobId}")).Str("stage"));
                await second.StopAsync(TimeSpan.FromSeconds(60));
            }

            // A clean stop leaves nothing to report.
            await using var third = OrchestratorProcess.Start(home);
            await third.WaitReadyAsync();
            Assert.Single((await third.Client.GetJsonAsync("/api/incidents")).AsArray());
            using var badLimit = await third.Client.GetAsync(new Uri("/api/incidents?limit=0", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, badLimit.StatusCode);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
