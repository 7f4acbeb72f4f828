using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// The per-server circuit breaker on a real orchestrator and the real p4 simulator, with a small breaker (two network
/// errors open it for 20 s) and NETWORK_ERROR retried twice (1 s, 2 s): an orchestrator of its own, so the shared
/// one's retry tests keep the production breaker.
/// </summary>
public sealed class CircuitBreakerTests : IAsyncLifetime
{
    public const int CircuitOpenedEvent = 1301;
    public const int CircuitClosedEvent = 1303;
    // The third attempt must come while the circuit is still open: 2 s after the second on an idle machine, and
    // Hangfire's scheduling on a busy one may add several seconds.
    private const int BreakSeconds = 20;

    private readonly PerforceOrchestrator _orchestrator = new(new Dictionary<string, string>
    {
        ["P4FLOW_perforce__circuit_breaker__minimum_throughput"] = "2",
        ["P4FLOW_perforce__circuit_breaker__failure_ratio"] = "1",
        ["P4FLOW_perforce__circuit_breaker__sampling_duration"] = "60",
        ["P4FLOW_perforce__circuit_breaker__break_duration"] = BreakSeconds.ToString(CultureInfo.InvariantCulture),
        ["P4FLOW_retries__NETWORK_ERROR__attempts"] = "2",
    });

    public Task InitializeAsync() => _orchestrator.InitializeAsync();

    public Task DisposeAsync() => _orchestrator.DisposeAsync();

    [Fact]
    public async Task Integrate_ServerUnreachable_CircuitOpensLaterAttemptsNotSentThenClosesWhenServerIsBack()
    {
        using var depot = await SimDepot.CreateWithChangeOnMainAsync("one\n", "one\ntwo\n");
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable" });

        var failed = await _orchestrator.WaitForEndAsync(await _orchestrator.IntegrateAsync(depot));

        // Three attempts; the third found the circuit open and was never sent to the server.
        Assert.Equal("Faulted", failed.Str("status"));
        var fault = failed["fault"]!;
        Assert.Equal("NETWORK_ERROR", fault.Str("errorClass"));
        Assert.Contains($"Perforce server {depot.Root} is unreachable: its circuit is open until", fault.Str("message"), StringComparison.Ordinal);
        Assert.Contains("failed after 3 attempts", fault.Str("message"), StringComparison.Ordinal);
        Assert.Equal(2, (await _orchestrator.CommandsAsync(failed.Str("id"))).Count(c => c.Str("event") == "command_failed"));
        Assert.Single(await _orchestrator.LogEventsAsync(depot.Root, CircuitOpenedEvent));
        Assert.Equal(1, await CircuitOpenAsync(depot.Root));

        // The server comes back; once the break is over the next job's first command is the trial that closes it.
        File.Delete(Path.Combine(depot.Root, "faults.json"));
        var until = OpenUntil(fault.Str("message"));
        var wait = until - DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        Assert.True(wait < TimeSpan.FromSeconds(BreakSeconds + 5), $"the circuit is open for too long: until {until:u}");
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var job = await _orchestrator.WaitForEndAsync(await _orchestrator.IntegrateAsync(depot));

        Assert.Equal("Finished", job.Str("status"));
        Assert.Equal("submitted", job["result"]!.Str("status"));
        Assert.Single(await _orchestrator.LogEventsAsync(depot.Root, CircuitClosedEvent));
        Assert.Equal(0, await CircuitOpenAsync(depot.Root));
    }

    private static DateTime OpenUntil(string message)
    {
        const string marker = "open until ";
        var start = message.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return DateTime.SpecifyKind(DateTime.ParseExact(message.Substring(start, 19), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc);
    }

    private async Task<double> CircuitOpenAsync(string server)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{_orchestrator.MetricsPort}/metrics"));
        var line = text.Split('\n').Single(l => l.StartsWith($"p4_circuit_open{{server=\"{server}\"}}", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
    }
}
