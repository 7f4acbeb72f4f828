using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>One real orchestrator for the pipeline tests; each test brings its own simulated depot through the job's p4port input.</summary>
public sealed class PerforceOrchestrator : IAsyncLifetime
{
    public const string Runs = "/api/workflow-definitions/p4-integrate/runs";

    private readonly Dictionary<string, string> _overrides = [];

    public PerforceOrchestrator()
    {
    }

    /// <summary>One with other settings, for a test class of its own (the shared one keeps the defaults).</summary>
    internal PerforceOrchestrator(IReadOnlyDictionary<string, string> overrides) => _overrides = new(overrides);

    public OrchestratorProcess Process { get; private set; } = null!;
    public string Home { get; } = OrchestratorProcess.CreateHome();
    public HttpClient Client => Process.Client;
    public int MetricsPort { get; } = Loopback.FreePort();

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_state_management__resolve_check_interval"] = "1",
            ["P4FLOW_commands__runner"] = "local",
            ["P4FLOW_monitoring__metrics_port"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Retries in seconds, not minutes: the network's as configured (1, 2, 4 s), one for the others.
            ["P4FLOW_retries__NETWORK_ERROR__attempts"] = "3",
            ["P4FLOW_retries__NETWORK_ERROR__delay"] = "1",
            ["P4FLOW_retries__P4_LOCKED__attempts"] = "1",
            ["P4FLOW_retries__P4_LOCKED__delay"] = "1",
            ["P4FLOW_retries__TIMEOUT__attempts"] = "1",
            ["P4FLOW_retries__TIMEOUT__delay"] = "1",
        };
        foreach (var (key, value) in _overrides) environment[key] = value;
        Process = OrchestratorProcess.Start(Home, environment: environment);
        await Process.WaitReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open; the temp folder is cleaned some other day.
        }
    }

    /// <summary>Starts p4-integrate main -> rel on <paramref name="depot"/> and returns the job id.</summary>
    public async Task<string> IntegrateAsync(SimDepot depot, string description = "Integrate main to rel")
    {
        using var response = await Client.PostJsonAsync(Runs, new JsonObject
        {
            ["source"] = "//depot/main/...",
            ["target"] = "//depot/rel/...",
            ["description"] = description,
            ["p4port"] = depot.Root,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).Str("jobId");
    }

    public string JobWorkspace(string jobId) => Path.Combine(Home, "data", "workspaces", jobId);

    /// <summary>The job's lines of the command log, in order.</summary>
    public async Task<List<JsonNode>> CommandsAsync(string jobId) =>
        [.. (await File.ReadAllLinesAsync(Path.Combine(Home, "logs", "commands.jsonl"))).Select(l => JsonNode.Parse(l)!).Where(l => l.Str("job_id") == jobId)];

    /// <summary>The job's lines of the main log with the given event id.</summary>
    public async Task<List<JsonNode>> LogEventsAsync(string jobId, int eventId)
    {
        using var stream = new FileStream(Path.Combine(Home, "logs", "p4flow.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. lines.Select(l => JsonNode.Parse(l)!).Where(l => l["event_id"]?.GetValue<int>() == eventId && l.ToJsonString().Contains(jobId, StringComparison.Ordinal))];
    }

    /// <summary>The ended job once its server cleanup is recorded as done.</summary>
    public Task<JsonNode> WaitForCleanupAsync(string jobId) =>
        Client.WaitForJobAsync(jobId, j => j["cleanup"]?.Str("status") == "DONE", "to be cleaned up on the server", seconds: 300);

    public Task<JsonNode> WaitForEndAsync(string jobId) =>
        Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);
}

[CollectionDefinition(Name)]
public sealed class PerforceCollection : ICollectionFixture<PerforceOrchestrator>
{
    public const string Name = "perforce";
}
