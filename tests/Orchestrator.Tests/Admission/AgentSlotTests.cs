using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Admission;

/// <summary>Admission on a real orchestrator with a real agent and the simulator: an agent's slots, the order of starts, parked jobs.</summary>
public sealed class AgentSlotTests
{
    [Fact]
    public async Task OneSlotAgent_FourJobsOfEachPriority_StartOneAtATimeUrgentFirst_ParkedJobsHoldNoSlot()
    {
        // Every integrate of the demo depot conflicts: each job parks in NEEDS_RESOLVE, which frees the agent's only slot.
        var depot = await SimDepot.CreateDemoAsync();
        var (home, hubPort) = AgentPipelineTests.PrepareHome("builder");
        await using var orchestrator = await AgentPipelineTests.StartOrchestratorAsync(home, hubPort,
            ("P4FLOW_state_management__resolve_check_interval", "3600"), ("P4FLOW_resources__priority_aging", "3600"));
        await using var agent = AgentProcess.Start(home, hubPort, "builder", environment: new Dictionary<string, string> { ["agent__max_jobs"] = "1" });
        await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/agents"),
            a => a.AsArray().Any(x => x!.Str("id") == "builder" && x!.Str("state") == "HEALTHY" && x!["maxJobs"]!.GetValue<int>() == 1),
            TimeSpan.FromSeconds(60), "the agent to connect with one slot");

        // Paused, so all four line up before any starts.
        (await orchestrator.Client.PostJsonAsync("/api/admin/pause", new JsonObject { ["reason"] = "line up" })).EnsureSuccessStatusCode();
        var jobs = new Dictionary<string, string>();
        foreach (var priority in new[] { "low", "default", "high", "urgent" })
        {
            using var start = await orchestrator.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs",
                new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root, ["priority"] = priority });
            var accepted = await start.ReadJsonAsync();
            Assert.Equal("QUEUED", accepted.Str("stage"));
            jobs[priority] = accepted.Str("jobId");
        }
        string[] order = ["urgent", "high", "default", "low"];
        var lined = await orchestrator.Client.GetJsonAsync("/api/admission");
        Assert.Equal(order.Select(p => jobs[p]), lined["waiting"]!.AsArray().Select(w => w!.Str("jobId")));
        Assert.Equal(3, (await orchestrator.Client.GetJsonAsync($"/api/jobs/{jobs["default"]}"))["queuePosition"]!.GetValue<int>());

        using (await orchestrator.Client.PostAsync(new Uri("/api/admin/resume", UriKind.Relative), null)) { }
        // The first admitted takes the slot; the others wait for the agent, saying so.
        await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/admission"),
            a => a["waiting"]!.AsArray().Any(w => w!.Str("reason").StartsWith("every agent that meets its requirements is full", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "the queued jobs to wait for the agent's slot");

        var parked = new List<JsonNode>();
        foreach (var priority in order)
            parked.Add(await orchestrator.Client.WaitForJobAsync(jobs[priority], j => j.Str("stage") is "NEEDS_RESOLVE" or "FAILED", "to park in NEEDS_RESOLVE", seconds: 300));
        Assert.All(parked, j => Assert.Equal("NEEDS_RESOLVE", j.Str("stage")));

        // One at a time, in priority order: each job synced only after the one before it parked.
        static DateTime Entered(JsonNode job, string stage) => job["history"]!.AsArray().First(h => h!.Str("stage") == stage)!["enteredAt"]!.GetValue<DateTime>();
        for (var i = 1; i < parked.Count; i++)
            Assert.True(Entered(parked[i], "SYNC") >= Entered(parked[i - 1], "NEEDS_RESOLVE"), $"{order[i]} synced before {order[i - 1]} parked");
        Assert.All(parked, j => Assert.Equal("QUEUED", j["history"]![0]!.Str("stage")));

        var builder = (await orchestrator.Client.GetJsonAsync("/api/agents")).AsArray().Single(a => a!.Str("id") == "builder")!;
        Assert.Equal((4, 0), (builder["jobs"]!.GetValue<int>(), builder["jobsWorking"]!.GetValue<int>()));
        var admission = await orchestrator.Client.GetJsonAsync("/api/admission");
        Assert.Equal((0, 4, 0), (admission["admitted"]!.GetValue<int>(), admission["parked"]!.GetValue<int>(), admission["waiting"]!.AsArray().Count));
    }
}
