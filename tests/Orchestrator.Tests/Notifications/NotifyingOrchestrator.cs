using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Notifications;

/// <summary>
/// A real orchestrator on a simulated server whose integration of //depot/main into //depot/rel conflicts, telling a
/// real SMTP server and a real webhook receiver on loopback; the author of the change on main has an Email in
/// Perforce. Settings a test adds go on top of the common ones.
/// </summary>
internal sealed class NotifyingOrchestrator : IAsyncDisposable
{
    public const string Base = "one\ntwo\nthree\n";
    public const string HookSecret = "hook-Secret-for-tests-7";
    public const string OwnerEmail = "dev.owner@example.com";
    public const string StarterEmail = "admin@example.com";

    private readonly string _secrets = Directory.CreateTempSubdirectory("p4flow-notify-").FullName;
    private readonly Dictionary<string, string> _environment;

    private NotifyingOrchestrator(SimDepot depot, LoopbackSmtp smtp, WebhookSink sink, Dictionary<string, string> environment, string home, int port)
    {
        Depot = depot;
        Smtp = smtp;
        Sink = sink;
        _environment = environment;
        Home = home;
        Port = port;
    }

    public SimDepot Depot { get; }
    public LoopbackSmtp Smtp { get; }
    public WebhookSink Sink { get; }
    public string Home { get; }
    public int Port { get; }
    public int MetricsPort { get; private set; }
    public OrchestratorProcess Process { get; private set; } = null!;
    public HttpClient Client => Process.Client;

    /// <param name="smtpUp">Whether the SMTP server runs from the start (else the test starts it).</param>
    public static async Task<NotifyingOrchestrator> StartAsync(bool smtpUp = true, params (string Key, string Value)[] settings)
    {
        var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("two", "TWO", StringComparison.Ordinal));
        await depot.SubmitAsync("Edit on rel", ("rel/a.txt", Base.Replace("two", "deux", StringComparison.Ordinal), null));
        // The author of the changes on main (dev) has a user spec with an Email: the owner of the conflict is found there.
        await depot.RunWithInputAsync($"User:\tdev\n\nEmail:\t{OwnerEmail}\n\nFullName:\tDev Owner\n", "user", "-i");
        var smtp = smtpUp ? await LoopbackSmtp.StartNewAsync() : LoopbackSmtp.Stopped();
        var sink = await WebhookSink.StartAsync();
        var port = Loopback.FreePort();
        var home = OrchestratorProcess.CreateHome();
        var fixture = new NotifyingOrchestrator(depot, smtp, sink, [], home, port);
        var secretFile = Path.Combine(fixture._secrets, "hook-secret");
        await File.WriteAllTextAsync(secretFile, HookSecret + "\n");
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        fixture.MetricsPort = Loopback.FreePort();
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__servers__main__port"] = depot.Root,
            ["P4FLOW_perforce__servers__main__user"] = "p4flow",
            ["P4FLOW_state_management__resolve_check_interval"] = "3600",
            ["P4FLOW_monitoring__metrics_port"] = fixture.MetricsPort.ToString(CultureInfo.InvariantCulture),
            ["P4FLOW_notifications__public_url"] = $"http://127.0.0.1:{port}",
            ["P4FLOW_notifications__channels__mail__type"] = "email",
            ["P4FLOW_notifications__channels__mail__host"] = "127.0.0.1",
            ["P4FLOW_notifications__channels__mail__port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["P4FLOW_notifications__channels__mail__security"] = "none",
            ["P4FLOW_notifications__channels__mail__from"] = "P4Flow <p4flow@example.com>",
            ["P4FLOW_notifications__channels__hook__type"] = "webhook",
            ["P4FLOW_notifications__channels__hook__url"] = sink.Url,
            ["P4FLOW_notifications__channels__hook__secret_file"] = secretFile,
            ["P4FLOW_notifications__people__bootstrap-admin"] = StarterEmail,
            // Retries a second apart: a test sees a dead server's messages go out soon after it comes back.
            ["P4FLOW_notifications__retry__0"] = "1s",
            ["P4FLOW_notifications__retry__1"] = "1s",
            ["P4FLOW_notifications__retry__2"] = "1s",
            ["P4FLOW_notifications__retry__3"] = "2s",
            ["P4FLOW_notifications__retry__4"] = "2s",
            ["P4FLOW_notifications__retry__5"] = "2s",
            ["P4FLOW_notifications__retry__6"] = "2s",
            ["P4FLOW_notifications__retry__7"] = "2s",
            ["P4FLOW_notifications__retry__8"] = "2s",
            ["P4FLOW_notifications__retry__9"] = "2s",
            ["P4FLOW_notifications__timeout"] = "10",
        }.Concat(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))))
        {
            fixture._environment[key] = value;
        }
        await fixture.RestartAsync();
        return fixture;
    }

    /// <summary>Starts the orchestrator (again, after a kill) on the same home, port and settings.</summary>
    public async Task RestartAsync()
    {
        if (Process is not null) await Process.DisposeAsync();
        Process = OrchestratorProcess.Start(Home, Port, _environment);
        await Process.WaitReadyAsync();
    }

    public async Task<string> StartJobAsync()
    {
        using var started = await Client.PostJsonAsync(Perforce.PerforceOrchestrator.Runs, new JsonObject
        {
            ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["server"] = "main",
        });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        return (await started.ReadJsonAsync()).Str("jobId");
    }

    public Task<JsonNode> WaitParkedAsync(string jobId) =>
        Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to wait in NEEDS_RESOLVE", seconds: 300);

    /// <summary>The job's notifications as GET /api/notifications lists them.</summary>
    public async Task<JsonArray> NotificationsAsync(string query) =>
        (await Client.GetJsonAsync("/api/notifications?pageSize=500&" + query))["items"]!.AsArray();

    public async ValueTask DisposeAsync()
    {
        if (Process is not null) await Process.DisposeAsync();
        await Sink.DisposeAsync();
        await Smtp.DisposeAsync();
        Depot.Dispose();
        Directory.Delete(_secrets, recursive: true);
        if (Directory.Exists(Home)) Directory.Delete(Home, recursive: true);
    }
}
