using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Jobs;

/// <summary>
/// An orchestrator whose watcher passes every second and treats a job parked for 3 s as long quiet: one whose
/// workspace nobody uses is then only looked at (a `clients` listing) and checked once an hour.
/// </summary>
public sealed class QuietJobFixture : StudioFixture
{
    public int MetricsPort { get; } = Loopback.FreePort();

    protected override Task<OrchestratorProcess> StartOrchestratorAsync() => Task.FromResult(OrchestratorProcess.StartInNewHome(new Dictionary<string, string>
    {
        ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
        ["P4FLOW_perforce__allow_job_ports"] = "true",
        ["P4FLOW_perforce__user"] = "p4flow",
        ["P4FLOW_commands__runner"] = "local",
        ["P4FLOW_monitoring__metrics_port"] = MetricsPort.ToString(CultureInfo.InvariantCulture),
        ["P4FLOW_state_management__resolve_check_interval"] = "1",
        ["P4FLOW_state_management__resolve_check_backoff_after"] = "3",
        ["P4FLOW_state_management__resolve_check_unused_interval"] = "3600",
    }));
}

/// <summary>A person opening a long-parked job's page shows they may be resolving it: the watcher checks it often again.</summary>
public sealed class QuietJobTests(QuietJobFixture studio) : IClassFixture<QuietJobFixture>
{
    [Fact]
    public async Task JobPage_LongParkedJobOpened_CheckedEveryPassAgain()
    {
        using var depot = await SimDepot.CreateDemoAsync();
        using var start = await studio.Orchestrator.Client.PostAsJsonAsync(new Uri("/api/workflow-definitions/p4-integrate/runs", UriKind.Relative), new JsonObject
        {
            ["source"] = "//depot/main/...",
            ["target"] = "//depot/rel/...",
            ["description"] = "Integrate main to rel",
            ["p4port"] = depot.Root,
        });
        Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
        var jobId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<string>();
        await Eventually.Until(() => studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}"), j => j["stage"]?.GetValue<string>() == "NEEDS_RESOLVE",
            TimeSpan.FromSeconds(180), "the job to need a resolve");

        // Quiet and unused: five passes look at it, none checks it.
        var first = await Eventually.Until(ListingsAsync, n => n >= 1, TimeSpan.FromSeconds(120), "the watcher to list the workspaces");
        var checks = await ChecksAsync(jobId);
        await Eventually.Until(ListingsAsync, n => n >= first + 5, TimeSpan.FromSeconds(120), "five more listings");
        Assert.Equal(checks, await ChecksAsync(jobId));

        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("quiet-job", async () =>
        {
            await page.OpenAsync($"/jobs/{jobId}", "job");
            await Assertions.Expect(page.Locator("[data-page='job']")).ToHaveAttributeAsync("data-stage", "NEEDS_RESOLVE");
        });

        // Checked at the short interval again: two more checks within a minute, where the unused interval is an hour.
        await Eventually.Until(() => ChecksAsync(jobId), n => n >= checks + 2, TimeSpan.FromSeconds(60), "the watcher to check the job every pass again");
    }

    private Task<double> ListingsAsync() => MetricsScrape.WatcherListingsAsync(studio.MetricsPort);

    /// <summary>The watcher's `resolve -n` checks of the job so far (its NEEDS_RESOLVE lines of the command log).</summary>
    private async Task<int> ChecksAsync(string jobId) =>
        (await File.ReadAllLinesAsync(Path.Combine(studio.Orchestrator.Home, "logs", "commands.jsonl")))
            .Where(l => l.EndsWith('}'))   // not a line the orchestrator is still writing
            .Select(l => JsonNode.Parse(l)!)
            .Count(c => c["job_id"]?.GetValue<string>() == jobId && c["stage"]?.GetValue<string>() == "NEEDS_RESOLVE"
                && c["metadata"]?["command"]?.GetValue<string>() == "p4 resolve");
}
