using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>A real orchestrator process logging at DEBUG, its metrics on a free port, its logs in its home folder.</summary>
public sealed class ObservedOrchestrator : IAsyncLifetime
{
    public const string Runs = "/api/workflow-definitions/signal-then-delay/runs";

    public OrchestratorProcess Process { get; private set; } = null!;
    public string Home { get; } = OrchestratorProcess.CreateHome();
    public int MetricsPort { get; } = Loopback.FreePort();
    public HttpClient Client => Process.Client;
    public string LogsDir => Path.Combine(Home, "logs");

    public async Task InitializeAsync()
    {
        Process = OrchestratorProcess.Start(Home, environment: Environment(MetricsPort));
        await Process.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await Process.DisposeAsync();

    public static Dictionary<string, string> Environment(int metricsPort) => new()
    {
        ["P4FLOW_commands__runner"] = "local",
        ["P4FLOW_monitoring__metrics_port"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["P4FLOW_monitoring__log_level"] = "DEBUG",
        ["P4FLOW_monitoring__log_format"] = "json",
    };

    public Task<PrometheusText> ScrapeAsync() => PrometheusText.ScrapeAsync(MetricsPort);

    /// <summary>Starts signal-then-delay and returns the job id once it waits for its signal.</summary>
    public static async Task<string> StartWaitingJobAsync(HttpClient client, int delaySeconds = 1)
    {
        using var response = await client.PostJsonAsync(Runs, new { target = "//depot/rel/...", delaySeconds });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var jobId = (await response.ReadJsonAsync()).Str("jobId");
        await client.WaitForJobAsync(jobId, j => j.Str("stage") == "WAITING" && j.Str("status") == "Suspended", "to wait for its signal");
        return jobId;
    }

    /// <summary>Signals a waiting signal-then-delay job and waits for it to finish.</summary>
    public static async Task<JsonNode> FinishAsync(HttpClient client, string jobId, object? payload = null)
    {
        using (var resumed = await client.PostJsonAsync($"/api/jobs/{jobId}/resume", new { bookmark = "go", payload = payload ?? "go on" }))
            Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync());
        return await client.WaitForJobAsync(jobId, j => j.Str("status") == "Finished", "to finish");
    }
}

[CollectionDefinition(Name)]
public sealed class ObservedCollection : ICollectionFixture<ObservedOrchestrator>
{
    public const string Name = "observed-orchestrator";
}
