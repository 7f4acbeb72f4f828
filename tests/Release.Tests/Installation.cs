using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace P4Flow.Release.Tests;

/// <summary>
/// An orchestrator's folder set up from the unpacked release as the README's "Installing a release" does it (config/
/// and workflows/ copied from the release, `certs init`, an agent's certificate, the whitelist), with the orchestrator
/// and agents started from the release's own programs. Deleted when disposed.
/// </summary>
internal sealed class Installation : IAsyncDisposable
{
    private readonly ReleaseFixture _release;
    private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private readonly int _http = Loopback.FreePort(), _https = Loopback.FreePort(), _hub = Loopback.FreePort(), _metrics = Loopback.FreePort();

    private Installation(ReleaseFixture release, string state)
    {
        _release = release;
        State = state;
    }

    public string State { get; }
    public string Orchestrator => Path.Combine(_release.Install, "orchestrator", "P4Flow.Orchestrator");
    public string HttpUrl => $"http://127.0.0.1:{_http}";
    public string HttpsUrl => $"https://localhost:{_https}";

    /// <summary>The release's p4 launcher by its real path (agents allow programs by path).</summary>
    private string P4 => Path.Combine(_release.Install, "orchestrator", "p4sim", "p4");

    public static async Task<Installation> SetUpAsync(ReleaseFixture release, string state)
    {
        Directory.CreateDirectory(state);
        await ProgramRun.RunCheckedAsync("cp", ["-r", Path.Combine(release.Install, "config"), Path.Combine(release.Install, "workflows"), state]);
        var installation = new Installation(release, state);
        var init = await ProgramRun.RunCheckedAsync(installation.Orchestrator, ["certs", "init"], state);
        Assert.Contains("wrote", init.Stdout, StringComparison.Ordinal);
        await ProgramRun.RunCheckedAsync(installation.Orchestrator, ["certs", "issue-agent", "builder"], state);
        await File.WriteAllTextAsync(Path.Combine(state, "config", "agent_whitelist.yaml"), """
            # enrolled agents are added here
            allowed_agents:
              - hostname: "localhost"
                cert_cn: "builder"
                ip_range: "127.0.0.0/8"
            """);
        return installation;
    }

    public CapturedProcess StartOrchestrator(string knownHosts)
    {
        var info = new ProcessStartInfo(Orchestrator) { WorkingDirectory = State };
        var settings = new Dictionary<string, string>
        {
            ["server__http_port"] = Port(_http),
            ["server__https_port"] = Port(_https),
            ["server__port"] = Port(_hub),
            ["monitoring__metrics_port"] = Port(_metrics),
            ["commands__runner"] = "agents",
            ["perforce__executable"] = P4,
            ["perforce__allow_job_ports"] = "true",
            ["agents__whitelist_poll_interval"] = "0.2",
            // `p4flow jobs continue` is what moves a resolved job on here, not the watcher racing it.
            ["state_management__resolve_check_interval"] = "3600",
            ["bootstrap__known_hosts"] = knownHosts,
            ["bootstrap__allowed_executables__0"] = P4,
        };
        foreach (var (key, value) in settings) info.Environment["P4FLOW_" + key] = value;
        info.Environment["JWT_SECRET"] = _secret;
        return CapturedProcess.Start(info);
    }

    public async Task WaitReadyAsync(CapturedProcess orchestrator)
    {
        using var client = new HttpClient { BaseAddress = new Uri(HttpUrl) };
        await Eventually.Until(async () =>
        {
            if (orchestrator.HasExited) throw new InvalidOperationException($"The orchestrator exited with {orchestrator.ExitCode}:\n{orchestrator.Output}");
            try
            {
                using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(180), "the orchestrator to be ready");
    }

    /// <summary>An agent started as the README's hand install does: the release's program, the certificate `certs issue-agent` wrote.</summary>
    public Agent StartAgent(string name)
    {
        var workspace = Path.Combine(State, "agents", name, "workspaces");
        var info = new ProcessStartInfo(Path.Combine(_release.Install, "agent", "P4Flow.Agent")) { WorkingDirectory = State };
        // Tests run as root in CI; the agent then runs commands as execution.run_as (nobody).
        if (Environment.IsPrivilegedProcess) info.ArgumentList.Add("--allow-root");
        var settings = new Dictionary<string, string>
        {
            ["agent__id"] = name,
            ["agent__workspace"] = workspace,
            ["agent__state_dir"] = Path.Combine(State, "agents", name, "state"),
            ["agent__labels__0"] = name,
            ["server__master_host"] = "127.0.0.1",
            ["server__master_port"] = Port(_hub),
            ["server__ssl__cert_file"] = Path.Combine(State, "certs", "agents", name + ".crt"),
            ["server__ssl__key_file"] = Path.Combine(State, "certs", "agents", name + ".key"),
            ["server__ssl__ca_file"] = Path.Combine(State, "certs", "ca.crt"),
            ["security__command_keys__0"] = Path.Combine(State, "certs", "command-signing.pub"),
            ["execution__allowed_executables__0"] = P4,
        };
        foreach (var (key, value) in settings) info.Environment["P4FLOW_AGENT_" + key] = value;
        info.Environment["JWT_SECRET"] = _secret;
        return new Agent(CapturedProcess.Start(info), workspace);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(State, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The fixture deletes the whole release folder after the class.
        }
        return ValueTask.CompletedTask;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    internal sealed class Agent(CapturedProcess process, string workspace) : IAsyncDisposable
    {
        public string Workspace { get; } = workspace;
        public string Output => process.Output;
        public ValueTask DisposeAsync() => process.DisposeAsync();
    }
}
