using System.Diagnostics;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Demo;

/// <summary>
/// Demo mode's agent: certificates made if missing, then the agent from our build output started as a child
/// process that connects to this hub like any other (mTLS, whitelist), and stopped with the orchestrator.
/// </summary>
internal sealed partial class DemoAgent(
    IOptions<ServerOptions> server,
    IOptions<HubTlsOptions> tls,
    IOptions<PerforceOptions> perforce,
    CommandTokenSecret secret,
    IHostApplicationLifetime lifetime,
    ILogger<DemoAgent> logger) : IHostedService, IDisposable
{
    public const string AgentId = "local-agent";
    public static string AgentDll => CompanionPrograms.AgentDll;
    private Process? _process;
    private CancellationTokenRegistration _started;

    /// <summary>The CA, the hub's certificate and the demo agent's, created when missing (before the hub loads them).</summary>
    public static void PrepareCertificates(HubTlsOptions tls, ServerOptions server)
    {
        HubCertificates.EnsureCreated(tls, crlUrl: WebCertificate.CrlUrl(server));
        HubCertificates.IssueAgent(tls, AgentId, force: false);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = lifetime.ApplicationStarted.Register(Start);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is not { HasExited: false } process) return;
        // SIGTERM lets the agent drain; it is killed if it has not gone within ten seconds.
        if (!OperatingSystem.IsWindows())
        {
            using var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
            if (term is not null) await term.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public void Dispose()
    {
        _started.Dispose();
        _process?.Dispose();
    }

    private void Start()
    {
        var files = tls.Value;
        // Its standard input is a pipe from this process: when the orchestrator ends, however it ends, the pipe closes
        // and the agent stops (agent.stop_when_stdin_closes), so a restarted demo never finds the old agent running.
        // A release's agent is self-contained (it runs where no .NET is installed); a source build's runs on dotnet.
        var info = new ProcessStartInfo(CompanionPrograms.AgentCommand) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (CompanionPrograms.AgentCommand == "dotnet") info.ArgumentList.Add(AgentDll);
        // The demo may run as root (a container, CI). Its commands then run as the demo's own user: the simulated
        // depot under data/ and the p4 launcher in the build output belong to that user (a checkout under /root is
        // out of an unprivileged user's reach), and the demo's conflict is resolved by hand in the job's folder as
        // that user. Agents of a real installation run as an unprivileged user.
        info.ArgumentList.Add("--allow-root");
        var settings = AgentConnectionSettings.For(files, AgentId, "localhost", server.Value.Port, secret.Value);
        settings["agent__workspace"] = Path.GetFullPath(perforce.Value.WorkspaceRoot);
        settings["agent__state_dir"] = Path.GetFullPath(Path.Combine("data", "agent-state", AgentId));
        settings["agent__stop_when_stdin_closes"] = "true";
        settings["agent__capabilities__0"] = "p4";
        settings["agent__labels__0"] = "demo";
        settings["execution__run_as"] = "";
        // The agent's sandbox runs only these: the p4 the demo uses (the simulator's launcher) and git.
        foreach (var (program, i) in new[] { Resolve(perforce.Value.Executable), Resolve("git") }.OfType<string>().Distinct().Select((p, i) => (p, i)))
            settings[$"execution__allowed_executables__{i}"] = program;
        foreach (var (key, value) in settings) info.Environment["P4FLOW_AGENT_" + key] = value;
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        _process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start the demo agent {AgentDll}.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) DemoLog.DemoAgentOutput(logger, line); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) DemoLog.DemoAgentOutput(logger, line); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        DemoLog.DemoAgentStarted(logger, AgentId, _process.Id);
    }

    private static string? Resolve(string program) =>
        Path.IsPathRooted(program) ? Path.GetFullPath(program)
        : program.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(program)
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(path => Path.IsPathFullyQualified(path) && File.Exists(path));
}
