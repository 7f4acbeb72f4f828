using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// A stage's budget covers all its commands, on a real orchestrator and the simulator: SYNC runs two commands of 2 s
/// each against a budget of 3 s, so each would pass on its own and the stage does not.
/// </summary>
public sealed class StageBudgetTests
{
    [Fact]
    public async Task Sync_CommandsTogetherPastTheStageBudget_FailsTimeoutNamingStageAndBudgetWithoutRetry()
    {
        using var depot = await SimDepot.CreateWithChangeOnMainAsync("one\n", "one\ntwo\n");
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 2000 });
        var orchestrator = new PerforceOrchestrator(new Dictionary<string, string> { ["P4FLOW_perforce__stage_timeouts__SYNC"] = "3" });
        await orchestrator.InitializeAsync();
        try
        {
            await RunAsync(orchestrator, depot);
        }
        finally
        {
            await orchestrator.DisposeAsync();
        }
    }

    private static async Task RunAsync(PerforceOrchestrator orchestrator, SimDepot depot)
    {
        var jobId = await orchestrator.IntegrateAsync(depot);
        var job = await orchestrator.WaitForEndAsync(jobId);

        Assert.Equal("Faulted", job.Str("status"));
        var fault = job["fault"]!;
        Assert.Equal("TIMEOUT", fault.Str("errorClass"));
        Assert.Contains("Stage SYNC used up its budget of 3 s (perforce.stage_timeouts.SYNC)", fault.Str("message"), StringComparison.Ordinal);
        // TIMEOUT has a retry policy here (one retry after 1 s): a spent budget is not retried.
        Assert.DoesNotContain("failed after", fault.Str("message"), StringComparison.Ordinal);
        var commands = await orchestrator.CommandsAsync(jobId);
        var sync = commands.Where(c => c.Str("stage") == "SYNC").ToList();
        Assert.True(sync.Count >= 2, string.Join("\n", commands.Select(c => c.ToJsonString())));
        // The command the budget stopped had less than the whole budget, not 3 s of its own.
        Assert.Contains(sync, c => c.Str("event") == "command_timeout" && c["duration_ms"]!.GetValue<double>() < 2000);
        Assert.Equal("one\n", await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));
    }

    [Fact]
    public async Task Sync_ActivityBudgetInput_OverridesTheConfiguredBudget()
    {
        using var depot = await SimDepot.CreateWithChangeOnMainAsync("one\n", "one\ntwo\n");
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 2000 });
        // The configured SYNC budget (600 s) would let it through; the workflow's sync activity says 3 s.
        var orchestrator = new PerforceOrchestrator(new Dictionary<string, string>());
        await orchestrator.InitializeAsync();
        try
        {
            var definition = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(OrchestratorProcess.WorkflowsDir, "p4-integrate.json")))!;
            definition["definitionId"] = "p4-integrate-budget";
            definition["isPublished"] = true;
            var sync = definition["root"]!["activities"]!.AsArray().Single(a => a!.Str("id") == "sync")!;
            sync["inputs"]!["budget"] = new JsonObject { ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = 3 } };
            using (var import = await orchestrator.Client.PostJsonAsync("/api/workflow-definitions/import", definition))
                Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
            using var start = await orchestrator.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate-budget/runs", new JsonObject
            {
                ["source"] = "//depot/main/...",
                ["target"] = "//depot/rel/...",
                ["p4port"] = depot.Root,
            });
            var jobId = (await start.ReadJsonAsync()).Str("jobId");

            var job = await orchestrator.WaitForEndAsync(jobId);

            Assert.Equal("TIMEOUT", job["fault"]!.Str("errorClass"));
            Assert.Contains("Stage SYNC used up its budget of 3 s (the activity's budget input)", job["fault"]!.Str("message"), StringComparison.Ordinal);
        }
        finally
        {
            await orchestrator.DisposeAsync();
        }
    }

    [Fact]
    public async Task NeedsResolve_NobodySettlesBeforeTheDeadline_FailsTimeoutAndIsCleanedUp()
    {
        using var depot = await SimDepot.CreateDemoAsync();
        var orchestrator = new PerforceOrchestrator(new Dictionary<string, string> { ["P4FLOW_perforce__needs_resolve_deadline"] = "3" });
        await orchestrator.InitializeAsync();
        try
        {
            var jobId = await orchestrator.IntegrateAsync(depot);
            await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE" || j.Str("status") is "Finished" or "Faulted", "to park on the conflict");

            var job = await orchestrator.WaitForEndAsync(jobId);

            Assert.Equal("Faulted", job.Str("status"));
            Assert.Equal("TIMEOUT", job["fault"]!.Str("errorClass"));
            Assert.Contains("past its deadline of 3 s (perforce.needs_resolve_deadline), without its conflicts settled", job["fault"]!.Str("message"), StringComparison.Ordinal);
            Assert.Equal("DONE", (await orchestrator.WaitForCleanupAsync(jobId))["cleanup"]!.Str("status"));
        }
        finally
        {
            await orchestrator.DisposeAsync();
        }
    }
}
