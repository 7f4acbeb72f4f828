using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>The p4-integrate workflow on a real orchestrator, its commands run by the real p4 simulator.</summary>
[Collection(PerforceCollection.Name)]
public sealed class IntegrationPipelineTests(PerforceOrchestrator orchestrator)
{
    private const string Base = "one\ntwo\nthree\nfour\nfive\n";

    [Fact]
    public async Task Integrate_CleanChange_CompletesAndSubmitsToTarget()
    {
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", Base, null), ("main/b.txt", "b\n", null));
        await depot.BranchAsync();
        await depot.SubmitAsync("Fix on main", ("main/a.txt", Base.Replace("two", "TWO", StringComparison.Ordinal), null));

        var jobId = await orchestrator.IntegrateAsync(depot, "Integrate the fix");
        var job = await orchestrator.WaitForEndAsync(jobId);

        Assert.Equal("Finished", job.Str("status"));
        Assert.Equal("submitted", job["result"]!.Str("status"));
        var change = job["result"]!["change"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(["SYNC", "INTEGRATE", "RESOLVE_PASS_1", "RESOLVE_CHECK", "PRE_SUBMIT", "SHELVE", "P4PUSH", "COMPLETED"], Stages(job));
        Assert.Contains("Integrate the fix", await depot.RunAsync("describe", "-s", change), StringComparison.Ordinal);
        Assert.Contains("//depot/rel/a.txt", await depot.RunAsync("describe", "-s", change), StringComparison.Ordinal);
        Assert.Equal(Base.Replace("two", "TWO", StringComparison.Ordinal), await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));

        // Every command of the job is in the command log, with its stage.
        var commands = await orchestrator.CommandsAsync(jobId);
        Assert.All(commands, c => Assert.Equal("command_completed", c.Str("event")));
        Assert.Contains(commands, c => c.Str("stage") == "SYNC" && c["metadata"]!.Str("command") == "p4 sync");
        Assert.Contains(commands, c => c.Str("stage") == "P4PUSH" && c["metadata"]!.Str("command") == "p4 submit");
    }

    [Fact]
    public async Task Integrate_Conflict_WaitsInNeedsResolve_ContinueListsConflicts_WatcherFinishesOnceResolved()
    {
        var depot = await SimDepot.CreateDemoAsync();
        var jobId = await orchestrator.IntegrateAsync(depot);
        var waiting = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") is "NEEDS_RESOLVE" or "FAILED" || j.Str("status") == "Finished", "to need a resolve", seconds: 300);
        Assert.Equal("NEEDS_RESOLVE", waiting.Str("stage"));
        var conflict = Assert.Single(waiting["conflicts"]!.AsArray())!;
        Assert.EndsWith("conflict.c", conflict.Str("file"), StringComparison.Ordinal);
        Assert.Equal("conflict", conflict.Str("reason"));

        using (var response = await orchestrator.Client.PostJsonAsync($"/api/jobs/{jobId}/continue", null))
        {
            var answer = await response.ReadJsonAsync();
            Assert.False(answer["conflictsResolved"]!.GetValue<bool>());
            Assert.Equal(1, answer["remainingConflicts"]!.GetValue<int>());
            Assert.EndsWith("conflict.c", answer["conflictFiles"]![0]!.Str("file"), StringComparison.Ordinal);
        }
        Assert.Equal("NEEDS_RESOLVE", (await orchestrator.Client.GetJsonAsync($"/api/jobs/{jobId}")).Str("stage"));

        // A person resolves the file in the job's workspace; the watcher (every second here) notices.
        await depot.RunInJobWorkspaceAsync(orchestrator.JobWorkspace(jobId), "p4flow", $"p4flow-{jobId}", "resolve", "-at");
        var done = await orchestrator.WaitForEndAsync(jobId);
        Assert.Equal("Finished", done.Str("status"));
        Assert.Equal(["SYNC", "INTEGRATE", "RESOLVE_PASS_1", "RESOLVE_PASS_2", "NEEDS_RESOLVE", "RESOLVE_CHECK", "PRE_SUBMIT", "SHELVE", "P4PUSH", "COMPLETED"], Stages(done));
        Assert.Contains("resolve-watcher", done["activities"]!.AsArray().Single(a => a!.Str("activityId") == "needsResolve")!["outputs"]!.ToJsonString(), StringComparison.Ordinal);

        using var late = await orchestrator.Client.PostJsonAsync($"/api/jobs/{jobId}/continue", null);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task Integrate_BinaryChangedOnBothSides_NeedsResolveWithBinaryReason()
    {
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/logo.bin", "PNG v1", "binary"));
        await depot.BranchAsync();
        await depot.SubmitAsync("New logo on main", ("main/logo.bin", "PNG main v2", "binary"));
        await depot.SubmitAsync("Other logo on rel", ("rel/logo.bin", "PNG rel v2", "binary"));

        var jobId = await orchestrator.IntegrateAsync(depot);
        var waiting = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") is "NEEDS_RESOLVE" or "FAILED" || j.Str("status") == "Finished", "to need a resolve", seconds: 300);
        Assert.Equal("NEEDS_RESOLVE", waiting.Str("stage"));
        var conflict = Assert.Single(waiting["conflicts"]!.AsArray())!;
        Assert.EndsWith("logo.bin", conflict.Str("file"), StringComparison.Ordinal);
        Assert.Equal("binary", conflict.Str("reason"));
        await orchestrator.Client.PostJsonAsync($"/api/jobs/{jobId}/cancel", new { reason = "test done" });
    }

    [Fact]
    public async Task Integrate_NothingNew_FinishesWithNothingToIntegrate()
    {
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", Base, null));
        await depot.BranchAsync();

        var job = await orchestrator.WaitForEndAsync(await orchestrator.IntegrateAsync(depot));

        Assert.Equal("Finished", job.Str("status"));
        Assert.Equal("nothing to integrate", job["result"]!.Str("status"));
        Assert.DoesNotContain("SHELVE", Stages(job));
    }

    [Fact]
    public async Task Integrate_TargetOpenedExclusivelyElsewhere_FailsWithP4Locked()
    {
        var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base + "six\n");
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "exclusive", ["path"] = "//depot/rel/a.txt", ["owner"] = "bob@bob-ws" });

        var job = await orchestrator.WaitForEndAsync(await orchestrator.IntegrateAsync(depot));

        AssertFailed(job, "INTEGRATE", "P4_LOCKED", "can't integrate exclusive file");
        await AssertNothingLeftAsync(depot, job);
    }

    [Fact]
    public async Task Integrate_SubmitBlockedByLock_FailsWithP4LockedAndTheP4Text()
    {
        var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base + "six\n");
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "locked", ["path"] = "//depot/rel/a.txt", ["owner"] = "alice@alice-ws", ["commands"] = new JsonArray("submit") });

        var job = await orchestrator.WaitForEndAsync(await orchestrator.IntegrateAsync(depot));

        AssertFailed(job, "P4PUSH", "P4_LOCKED", "already locked");
        await AssertNothingLeftAsync(depot, job);
    }

    [Fact]
    public async Task Integrate_SessionExpired_FailsAtOnceWithAuth()
    {
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", Base, null));
        await depot.BranchAsync();
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "session-expired", ["commands"] = new JsonArray("sync") });

        var job = await orchestrator.WaitForEndAsync(await orchestrator.IntegrateAsync(depot));

        AssertFailed(job, "SYNC", "AUTH", "session has expired");
        // AUTH has no retry policy: one run, no retry scheduled, no attempt count in the message.
        Assert.DoesNotContain("attempts", job["fault"]!.Str("message"), StringComparison.Ordinal);
        Assert.Single(await orchestrator.CommandsAsync(job.Str("id")), c => c.Str("event") == "command_failed");
        Assert.Empty(await orchestrator.LogEventsAsync(job.Str("id"), RetryTests.RetryScheduledEvent));
        await AssertNothingLeftAsync(depot, job);
    }

    /// <summary>A failed job leaves nothing of its own on the server once its cleanup ran (others' opens stay).</summary>
    private async Task AssertNothingLeftAsync(SimDepot depot, JsonNode job)
    {
        var cleaned = await orchestrator.WaitForCleanupAsync(job.Str("id"));
        Assert.Empty(await depot.LeftoversOfAsync("p4flow-" + job.Str("id")));
        Assert.True(cleaned["cleanup"]!["report"]!["clientDeleted"]!.GetValue<bool>(), cleaned["cleanup"]!.ToJsonString());
    }

    private static void AssertFailed(JsonNode job, string stage, string errorClass, string text)
    {
        Assert.Equal("Faulted", job.Str("status"));
        Assert.Equal("FAILED", job.Str("stage"));
        var fault = job["fault"]!;
        Assert.Equal(errorClass, fault.Str("errorClass"));
        Assert.Contains(text, fault.Str("message"), StringComparison.OrdinalIgnoreCase);
        var history = Stages(job);
        Assert.Equal(stage, history[^2]);
    }

    private static List<string> Stages(JsonNode job) => [.. job["history"]!.AsArray().Select(h => h!.Str("stage")).Distinct()];
}
