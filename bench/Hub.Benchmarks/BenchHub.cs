using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Demo;
using P4Flow.Orchestrator.Extensions;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;
using P4Flow.Workflows.Extensions;

namespace P4Flow.Hub.Benchmarks;

/// <summary>The hub in this process on a free 127.0.0.1 port, and a real agent process connected to it.</summary>
internal sealed class BenchHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Process _agent;

    private BenchHub(WebApplication app, Process agent)
    {
        _app = app;
        _agent = agent;
    }

    public IServiceProvider Services => _app.Services;
    public AgentRegistry Registry => _app.Services.GetRequiredService<AgentRegistry>();
    public P4Flow.Activities.Commands.ICommandDispatcher Dispatcher => _app.Services.GetRequiredService<P4Flow.Activities.Commands.ICommandDispatcher>();

    public static async Task<BenchHub> StartAsync(string agentId)
    {
        var dir = Path.Combine(Path.GetTempPath(), "p4flow-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var tls = HubTlsOptions.Under(dir);
        HubCertificates.EnsureCreated(tls);
        HubCertificates.IssueAgent(tls, agentId);
        var whitelist = Path.Combine(dir, "agent_whitelist.yaml");
        await File.WriteAllTextAsync(whitelist, $"allowed_agents:\n  - hostname: localhost\n    cert_cn: \"{agentId}\"\n    ip_range: \"127.0.0.0/8\"\n");
        var port = FreePort();
        var jwtSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var app = await StartHubAsync(dir, port, jwtSecret);

        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        info.ArgumentList.Add(CompanionPrograms.AgentDll);
        info.ArgumentList.Add("--allow-root");
        var settings = AgentConnectionSettings.For(tls, agentId, "127.0.0.1", port, jwtSecret);
        settings["agent__workspace"] = Path.Combine(dir, "ws");
        settings["agent__state_dir"] = Path.Combine(dir, "state");
        settings["agent__max_concurrent_commands"] = "4";
        settings["execution__allowed_executables__0"] = "/usr/bin/true";
        foreach (var (key, value) in settings) info.Environment["P4FLOW_AGENT_" + key] = value;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var agent = Process.Start(info) ?? throw new InvalidOperationException("the agent did not start");
        agent.OutputDataReceived += (_, _) => { };
        agent.ErrorDataReceived += (_, _) => { };
        agent.BeginOutputReadLine();
        agent.BeginErrorReadLine();
        var hub = new BenchHub(app, agent);
        var deadline = Stopwatch.StartNew();
        while (hub.Registry.Snapshot().All(a => a.State != "HEALTHY"))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the agent did not connect");
            await Task.Delay(50);
        }
        return hub;
    }

    /// <summary>The hub alone, on <paramref name="port"/>, with its certificates, whitelist and audit log in <paramref name="dir"/>.</summary>
    public static async Task<WebApplication> StartHubAsync(string dir, int port, string jwtSecret, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? add = null)
    {
        var tls = HubTlsOptions.Under(dir);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dir });
        builder.AddMasterConfiguration();
        var values = new Dictionary<string, string?>
        {
            ["server:port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["server:ssl:cert_file"] = tls.CertFile,
            ["server:ssl:key_file"] = tls.KeyFile,
            ["server:ssl:ca_file"] = tls.CaFile,
            ["server:ssl:ca_key_file"] = tls.CaKeyFile,
            ["server:ssl:agents_dir"] = tls.AgentsDir,
            ["security:agent_whitelist"] = Path.Combine(dir, "agent_whitelist.yaml"),
            ["security:audit_log"] = Path.Combine(dir, "audit.jsonl"),
            ["agents:journal"] = Path.Combine(dir, "journal.jsonl"),
            ["commands:runner"] = "agents",
            ["security:jwt_secret"] = jwtSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWorkflowEngine();
        builder.Services.AddMemoryWorkflowStore();
        builder.AddAgentHub();
        add?.Invoke(builder);
        var app = builder.Build();
        app.MapAgentHub();
        await app.StartAsync();
        return app;
    }


    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_agent.HasExited) _agent.Kill(entireProcessTree: true);
        await _agent.WaitForExitAsync();
        _agent.Dispose();
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(quick.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync();
    }
}
