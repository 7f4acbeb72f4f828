using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P4Flow.Activities.Commands;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Demo;
using P4Flow.Orchestrator.Extensions;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Orchestrator.Trust;
using P4Flow.Workflows.Extensions;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>
/// The orchestrator's hub alone, in this process, on a free 127.0.0.1 port, with its own CA, whitelist, audit log
/// and journal in a temporary folder. A second host on the same folder and port is the hub after a restart.
/// </summary>
public sealed class HubHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HubHost(WebApplication app, string dir, int port)
    {
        _app = app;
        Dir = dir;
        Port = port;
    }

    public string Dir { get; }
    public int Port { get; }
    public IServiceProvider Services => _app.Services;
    public AgentRegistry Registry => Services.GetRequiredService<AgentRegistry>();
    public ICommandDispatcher Dispatcher => Services.GetRequiredService<ICommandDispatcher>();
    public HubTlsOptions Tls => Folder(Dir);
    public string WhitelistPath => Path.Combine(Dir, "agent_whitelist.yaml");
    public string AuditPath => Path.Combine(Dir, "audit.jsonl");
    public Uri Address => new($"https://127.0.0.1:{Port}");

    public static string NewDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "p4flow-hub-" + Guid.NewGuid().ToString("N")[..8]);
        // Commands of a root agent run as nobody; the tests' proof files are written in this folder.
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        HubCertificates.EnsureCreated(Folder(dir));
        return dir;
    }

    /// <summary>A folder for a second hub of the same cluster: the first one's CA and hub certificate, so its agents trust both.</summary>
    public static string NewDirSharingCertificates(string dir)
    {
        var other = Path.Combine(Path.GetTempPath(), "p4flow-hub-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(other);
        File.SetUnixFileMode(other, (UnixFileMode)0x1FF);
        var certs = Path.GetDirectoryName(Folder(dir).CaFile)!;
        foreach (var file in Directory.GetFiles(certs, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(other, Path.GetRelativePath(dir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return other;
    }

    /// <summary>The command-token secret of every test hub and its agents.</summary>
    public const string JwtSecret = "test-jwt-secret-0123456789abcdef0123456789";

    public static HubTlsOptions Folder(string dir) => HubTlsOptions.Under(dir);

    /// <param name="agents">Whitelisted names (127.0.0.0/8 and ::1); their certificates are issued.</param>
    public static async Task<HubHost> StartAsync(string? dir = null, int? port = null, IEnumerable<string>? agents = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        dir ??= NewDir();
        var chosen = port ?? Loopback.FreePort();
        var tls = Folder(dir);
        var names = agents?.ToList() ?? ["agent-1"];
        foreach (var name in names) HubCertificates.IssueAgent(tls, name, force: false);
        var whitelist = Path.Combine(dir, "agent_whitelist.yaml");
        if (!File.Exists(whitelist)) await File.WriteAllTextAsync(whitelist, Whitelist(names.Select(n => (n, "127.0.0.0/8, ::1/128"))));

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dir, EnvironmentName = "Production" });
        builder.AddMasterConfiguration();
        var values = new Dictionary<string, string?>
        {
            ["server:port"] = chosen.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["server:hub_host"] = "127.0.0.1",
            ["server:ssl:cert_file"] = tls.CertFile,
            ["server:ssl:key_file"] = tls.KeyFile,
            ["server:ssl:ca_file"] = tls.CaFile,
            ["server:ssl:ca_key_file"] = tls.CaKeyFile,
            ["server:ssl:agents_dir"] = tls.AgentsDir,
            ["security:agent_whitelist"] = whitelist,
            ["security:audit_log"] = Path.Combine(dir, "audit.jsonl"),
            ["agents:journal"] = Path.Combine(dir, "journal.jsonl"),
            ["agents:whitelist_poll_interval"] = "0.2",
            ["commands:runner"] = "agents",
            ["security:jwt_secret"] = JwtSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.Services.AddWorkflowEngine();
        builder.Services.AddMemoryWorkflowStore();
        builder.AddAgentHub();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAgentHub();
        await app.StartAsync();
        return new HubHost(app, dir, chosen);
    }

    public static string Whitelist(IEnumerable<(string Cn, string Range)> entries) =>
        "allowed_agents:\n" + string.Concat(entries.Select(e => $"  - hostname: \"localhost\"\n    cert_cn: \"{e.Cn}\"\n    ip_range: \"{e.Range}\"\n"));

    public IReadOnlyList<JsonObject> AuditLines() => File.Exists(AuditPath)
        ? [.. File.ReadAllLines(AuditPath).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())]
        : [];

    public AgentView? Agent(string id) => Registry.Snapshot().FirstOrDefault(a => a.Id == id);

    public Task<AgentView> WaitForAgentAsync(string id, Func<AgentView, bool> done, string what, int seconds = 120) =>
        Eventually.Until(() => Task.FromResult(Agent(id)), a => a is not null && done(a), TimeSpan.FromSeconds(seconds), what)!;

    public Task<IReadOnlyList<JsonObject>> WaitForAuditAsync(Func<JsonObject, bool> match, string what, int seconds = 120) =>
        Eventually.Until(() => Task.FromResult(AuditLines()), lines => lines.Any(match), TimeSpan.FromSeconds(seconds), what);

    /// <summary>Stops the hub abruptly, as a crash would: streams are cut, nothing is told to the agents.</summary>
    public async ValueTask DisposeAsync()
    {
        // A cancelled token: Kestrel aborts the streams at once instead of letting running calls finish.
        try
        {
            await _app.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync();
    }

    public static CommandRequest Request(string jobId, params string[] args) =>
        new(jobId, "SYNC", args, new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
}

/// <summary>A real agent process from the build output, connected to a hub.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly CapturedProcess _process;

    private AgentProcess(CapturedProcess process, string name, string stateDir, string workspace)
    {
        _process = process;
        Name = name;
        StateDir = stateDir;
        Workspace = workspace;
    }

    /// <summary>What the tests run on agents (the p4 simulator's launcher among them); the agent's sandbox refuses the rest.</summary>
    public static IReadOnlyList<string> AllowedPrograms { get; } = ["/bin/sh", "/bin/bash", "/bin/echo", "/bin/true", "/bin/sleep", "/bin/cat", "/usr/bin/touch", "/usr/bin/dd", "/usr/bin/yes", "/usr/bin/id", SimDepot.Launcher];

    public string Name { get; }
    public string StateDir { get; }
    public string Workspace { get; }
    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string Output => _process.Output;

    public static AgentProcess Start(string hubDir, int port, string name, string? stateDir = null, IEnumerable<string>? capabilities = null, IEnumerable<string>? labels = null, IDictionary<string, string>? environment = null, bool allowRoot = true)
    {
        var tls = HubHost.Folder(hubDir);
        stateDir ??= Path.Combine(hubDir, "agents", name, "state");
        var workspace = Path.Combine(hubDir, "agents", name, "ws");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = hubDir };
        info.ArgumentList.Add(CompanionPrograms.AgentDll);
        // Tests run as root in CI; commands then run as execution.run_as (nobody).
        if (allowRoot) info.ArgumentList.Add("--allow-root");
        var settings = AgentConnectionSettings.For(tls, name, "127.0.0.1", port, HubHost.JwtSecret);
        settings["agent__workspace"] = workspace;
        settings["agent__state_dir"] = stateDir;
        settings["reconnect__min_delay"] = "0.1";
        settings["reconnect__max_delay"] = "0.5";
        settings["execution__drain_timeout"] = "30";
        settings["execution__kill_grace"] = "1";
        foreach (var (program, i) in AllowedPrograms.Select((p, i) => (p, i))) settings[$"execution__allowed_executables__{i}"] = program;
        foreach (var (c, i) in (capabilities ?? ["p4"]).Select((c, i) => (c, i))) settings[$"agent__capabilities__{i}"] = c;
        foreach (var (l, i) in (labels ?? []).Select((l, i) => (l, i))) settings[$"agent__labels__{i}"] = l;
        foreach (var (key, value) in settings) info.Environment["P4FLOW_AGENT_" + key] = value;
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["Logging__LogLevel__P4Flow"] = "Debug";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return new AgentProcess(CapturedProcess.Start(info), name, stateDir, workspace);
    }

    /// <summary>SIGTERM: the agent drains (running commands finish) and exits.</summary>
    public async Task StopAsync(int seconds = 120)
    {
        using (var term = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(seconds));
    }

    /// <summary>Waits for the agent to exit by itself (a refused start).</summary>
    public Task<int> WaitForExitAsync(int seconds = 120) => _process.WaitForExitAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Waits for a line of the agent's log.</summary>
    public Task WaitForOutputAsync(string text, string what, int seconds = 120) =>
        Eventually.Until(() => Task.FromResult(Output), o => o.Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(seconds), what);

    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
