using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// The resolve watcher's look at long-parked jobs' workspaces, on a real orchestrator and the simulator: a job quiet
/// for long whose workspace nobody uses costs one `clients` listing per pass and no `resolve -n`; someone resolving
/// in it moves it on at the next pass. "Long" is 3 seconds here, and the unused interval an hour, so only a look can
/// have moved it on.
/// </summary>
public sealed class ResolveWatcherLookTests : IAsyncLifetime
{
    private readonly PerforceOrchestrator _orchestrator = new(new Dictionary<string, string>
    {
        ["P4FLOW_state_management__resolve_check_backoff_after"] = "3",
        ["P4FLOW_state_management__resolve_check_unused_interval"] = "3600",
    });

    public Task InitializeAsync() => _orchestrator.InitializeAsync();

    public Task DisposeAsync() => _orchestrator.DisposeAsync();

    [Fact]
    public async Task LongParked_WorkspaceUnused_OnlyListed_SomeoneResolvesInIt_MovesOnAtOnce()
    {
        using var depot = await SimDepot.CreateDemoAsync();
        // p4d rewrites a workspace's Access time at most every dm.domain.accessupdate seconds (300 by default).
        await depot.RunAsync("configure", "set", "dm.domain.accessupdate=1");
        var jobId = await _orchestrator.IntegrateAsync(depot);
        await _orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);

        // Quiet after 3 s: from then on each pass lists the server's workspaces. Five listings after the first, without
        // the look the back-off (2 s, then 4 s) would have run resolve -n at least twice.
        var first = await Eventually.Until(ListingsAsync, n => n >= 1, TimeSpan.FromSeconds(120), "the watcher to list the workspaces");
        var checks = await ChecksAsync(jobId);
        await Eventually.Until(ListingsAsync, n => n >= first + 5, TimeSpan.FromSeconds(120), "five more listings");
        Assert.Equal(checks, await ChecksAsync(jobId));
        Assert.Equal("NEEDS_RESOLVE", (await _orchestrator.Client.GetJsonAsync($"/api/jobs/{jobId}")).Str("stage"));

        await depot.RunInJobWorkspaceAsync(_orchestrator.JobWorkspace(jobId), "p4flow", $"p4flow-{jobId}", "resolve", "-at");

        var done = await _orchestrator.WaitForEndAsync(jobId);
        Assert.Equal("Finished", done.Str("status"));
        Assert.Equal("submitted", done["result"]!.Str("status"));
        Assert.True(await ChecksAsync(jobId) > checks, "moved on by a resolve -n the look asked for");
    }

    private Task<double> ListingsAsync() => MetricsScrape.WatcherListingsAsync(_orchestrator.MetricsPort);

    /// <summary>The `resolve` commands the job's workspace got while it waited in NEEDS_RESOLVE (the watcher's checks).</summary>
    private async Task<int> ChecksAsync(string jobId) =>
        (await _orchestrator.CommandsAsync(jobId)).Count(c => c.Str("stage") == "NEEDS_RESOLVE" && c["metadata"]?["command"]?.GetValue<string>() == "p4 resolve");
}
