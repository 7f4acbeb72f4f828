using System.Net;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>Draining an agent on a real orchestrator with a real agent process: what it runs ends, nothing new starts on it.</summary>
public sealed class AgentDrainTests
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task Drain_JobRunningOnIt_FinishesNewJobWaitsAcrossARestartUntilUndrained()
    {
        var first = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("one", "ONE", StringComparison.Ordinal));
        var second = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("two", "TWO", StringComparison.Ordinal));
        // The first job's integrate takes a while: long enough to drain its agent while it runs.
        await first.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 4000, ["commands"] = new JsonArray("integrate") });
        var (home, hubPort) = AgentPipelineTests.PrepareHome("builder");
        var orchestrator = await AgentPipelineTests.StartOrchestratorAsync(home, hubPort, ("P4FLOW_perforce__user", "p4flow"));
        await using var agent = AgentProcess.Start(home, hubPort, "builder");
        try
        {
            await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/agents"), a => a.AsArray().Any(x => x!.Str("id") == "builder" && x!.Str("state") == "HEALTHY"), TimeSpan.FromSeconds(60), "the agent to connect");
            using (var unknown = await orchestrator.Client.PostAsync(new Uri("/api/agents/nobody/drain", UriKind.Relative), null))
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

            var running = await AgentPipelineTests.StartIntegrateAsync(orchestrator, first);
            await orchestrator.Client.WaitForJobAsync(running, j => j.Str("stage") == "INTEGRATE", "to be integrating on the agent");
            using (var drain = await orchestrator.Client.PostAsync(new Uri("/api/agents/builder/drain", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
                Assert.True((await drain.ReadJsonAsync())["draining"]!.GetValue<bool>());
            }

            // What it was running goes on to the end; a job started now does not go to it.
            var waiting = await AgentPipelineTests.StartIntegrateAsync(orchestrator, second);
            var done = await orchestrator.Client.WaitForJobAsync(running, j => j.Str("status") is "Finished" or "Faulted", "to end on the drained agent", seconds: 180);
            Assert.Equal("Finished", done.Str("status"));
            await orchestrator.Client.WaitForJobAsync(waiting, j => j.Str("stage") == AgentCommandDispatcher.WaitingStage, "to wait for an agent");

            // Drained stays drained across a restart of the orchestrator.
            await orchestrator.DisposeAsync();
            orchestrator = await AgentPipelineTests.StartOrchestratorAsync(home, hubPort, ("P4FLOW_perforce__user", "p4flow"));
            var builder = await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/agents"), a => a.AsArray().Any(x => x!.Str("id") == "builder" && x!.Str("state") == "HEALTHY"), TimeSpan.FromSeconds(60), "the agent to reconnect");
            Assert.True(builder.AsArray().Single(x => x!.Str("id") == "builder")!["draining"]!.GetValue<bool>());
            Assert.Equal(AgentCommandDispatcher.WaitingStage, (await orchestrator.Client.GetJsonAsync($"/api/jobs/{waiting}")).Str("stage"));

            using (var undrain = await orchestrator.Client.PostAsync(new Uri("/api/agents/builder/undrain", UriKind.Relative), null))
                Assert.False((await undrain.ReadJsonAsync())["draining"]!.GetValue<bool>());
            var after = await orchestrator.Client.WaitForJobAsync(waiting, j => j.Str("status") is "Finished" or "Faulted", "to run once the agent is back", seconds: 180);
            Assert.Equal("Finished", after.Str("status"));
            Assert.Equal(Base.Replace("two", "TWO", StringComparison.Ordinal), await second.RunAsync("print", "-q", "//depot/rel/a.txt"));

            var audit = (await File.ReadAllLinesAsync(Path.Combine(home, "logs", "audit.jsonl"))).Select(l => JsonNode.Parse(l)!)
                .Where(l => l.Str("event_type") is "AGENT_DRAINED" or "AGENT_UNDRAINED").ToList();
            Assert.Equal(["AGENT_DRAINED", "AGENT_UNDRAINED"], audit.Select(l => l.Str("event_type")));
            Assert.All(audit, l => Assert.Equal(("builder", "bootstrap-admin"), (l.Str("agent_id"), l.Str("user"))));
            Assert.Contains("1 job(s) on it", audit[0].Str("reason"), StringComparison.Ordinal);
        }
        finally
        {
            await orchestrator.DisposeAsync();
            first.Dispose();
            second.Dispose();
        }
    }
}
