using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// Delayed retries by error class on a real orchestrator and the real p4 simulator. The fixture configures
/// NETWORK_ERROR 3 retries, exponential from 1 s. (A class without a policy, AUTH, is in
/// <see cref="IntegrationPipelineTests.Integrate_SessionExpired_FailsAtOnceWithAuth"/>.)
/// </summary>
[Collection(PerforceCollection.Name)]
public sealed class RetryTests(PerforceOrchestrator orchestrator)
{
    public const int RetryScheduledEvent = 1102;

    [Fact]
    public async Task Integrate_ServerUnreachableAtFirst_RetriedAfterDelayAndCompletes()
    {
        var depot = await SimDepot.CreateWithChangeOnMainAsync("one\n", "one\ntwo\n");
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable" });
        var retriesBefore = await RetriesCountedAsync();

        var jobId = await orchestrator.IntegrateAsync(depot);
        // The server comes back once the first attempt has failed.
        await Eventually.Until(() => orchestrator.CommandsAsync(jobId), c => c.Any(IsFailedRun), TimeSpan.FromSeconds(60), "the first attempt to fail");
        File.Delete(Path.Combine(depot.Root, "faults.json"));
        var job = await orchestrator.WaitForEndAsync(jobId);

        Assert.Equal("Finished", job.Str("status"));
        Assert.Equal("submitted", job["result"]!.Str("status"));
        var commands = await orchestrator.CommandsAsync(jobId);
        var firstFailure = commands.FindIndex(IsFailedRun);
        Assert.Equal(0, firstFailure);
        Assert.Contains(commands.Skip(1), c => c.Str("stage") == "SYNC" && c["error"] is null);
        // The job shows the retry on the activity that waited for it.
        var lastRetry = LastRetry(job);
        Assert.Equal("NETWORK_ERROR", lastRetry.Str("errorClass"));
        Assert.Equal(1, lastRetry["retry"]!.GetValue<int>());
        Assert.Contains("Connect to server failed", lastRetry.Str("error"), StringComparison.Ordinal);
        var retry = Assert.Single(await orchestrator.LogEventsAsync(jobId, RetryScheduledEvent));
        Assert.Contains("retry 1 of 3", retry.Str("message"), StringComparison.Ordinal);
        Assert.Contains("NETWORK_ERROR", retry.Str("message"), StringComparison.Ordinal);
        Assert.True(await RetriesCountedAsync() >= retriesBefore + 1, "p4_job_retries_total{error_class=\"NETWORK_ERROR\"} did not grow");
    }

    [Fact]
    public async Task Integrate_ServerNeverReachable_FailsWithNetworkErrorAfterFourRunsWithGrowingDelays()
    {
        var depot = await SimDepot.CreateAsync();
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable" });

        var job = await orchestrator.WaitForEndAsync(await orchestrator.IntegrateAsync(depot));

        Assert.Equal("Faulted", job.Str("status"));
        Assert.Equal("FAILED", job.Str("stage"));
        Assert.Equal("NETWORK_ERROR", job["fault"]!.Str("errorClass"));
        Assert.Contains("Connect to server failed", job["fault"]!.Str("message"), StringComparison.Ordinal);
        Assert.Contains("failed after 4 attempts", job["fault"]!.Str("message"), StringComparison.Ordinal);
        Assert.Equal("SYNC", job["history"]!.AsArray()[^2]!.Str("stage"));
        // Each run stops at its first command: 1 run + 3 retries.
        var runs = (await orchestrator.CommandsAsync(job.Str("id"))).Where(IsFailedRun).Select(c => DateTime.Parse(c.Str("timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)).ToList();
        Assert.Equal(4, runs.Count);
        var gaps = runs.Zip(runs.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        Assert.True(gaps[0] >= 0.9 && gaps[1] >= 1.9 && gaps[2] >= 3.9, $"retries came early: {string.Join(", ", gaps)} s");
        // How late each retry ran is the machine's load; that the delays grow is what the retries were scheduled with.
        var scheduled = (await orchestrator.LogEventsAsync(job.Str("id"), RetryScheduledEvent)).Select(e => e["DelaySeconds"]!.GetValue<double>()).ToList();
        Assert.Equal(3, scheduled.Count);
        Assert.True(scheduled[2] > scheduled[0], $"delays did not grow: {string.Join(", ", scheduled)} s");
        Assert.Equal(3, LastRetry(job)["retry"]!.GetValue<int>());
        Assert.Equal(4, LastRetry(job)["delaySeconds"]!.GetValue<double>());
    }

    private static JsonNode LastRetry(JsonNode job) =>
        job["activities"]!.AsArray().Select(a => a!["outputs"]?["lastRetry"]).Single(r => r is not null)!;

    /// <summary>The command log knows exit codes, not error classes: with the server unreachable every run fails at its first command.</summary>
    private static bool IsFailedRun(JsonNode command) => command.Str("event") == "command_failed";

    private async Task<double> RetriesCountedAsync()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{orchestrator.MetricsPort}/metrics"));
        var line = text.Split('\n').Single(l => l.StartsWith("p4_job_retries_total{error_class=\"NETWORK_ERROR\"}", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
    }
}
