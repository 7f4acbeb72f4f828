using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Agents;

/// <summary>
/// This machine as a build host for the Add agent dialog: a real sshd on 127.0.0.1 that lets root in with a key, the
/// agent published once, and an orchestrator whose commands run on agents (its hub on a free port, its CA made by
/// `certs init`) and whose bootstrap installs that build. Only root can be enrolled this way (the bootstrap creates the
/// p4agent user): elsewhere it starts nothing and the tests return at once.
/// </summary>
public sealed class AgentHostFixture : StudioFixture
{
    /// <summary>The command-token secret of this orchestrator and the agents it enrols.</summary>
    private const string JwtSecret = "studio-test-jwt-secret-0123456789abcdef";

    private LocalSshd? _sshd;
    private string? _home;

    public static bool CanRun => Environment.UserName == "root" && File.Exists(LocalSshd.Program);

    public LocalSshd Sshd => _sshd ?? throw new InvalidOperationException("No sshd: the fixture did not start.");

    /// <summary>The host key's fingerprint, as an administrator pins it in the dialog.</summary>
    public string Fingerprint { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        if (CanRun) await base.InitializeAsync();
    }

    protected override async Task<OrchestratorProcess> StartOrchestratorAsync()
    {
        _sshd = await LocalSshd.StartAsync() ?? throw new InvalidOperationException($"{LocalSshd.Program} is missing: apt-get install openssh-server");
        Fingerprint = await _sshd.FingerprintAsync();
        var published = Path.Combine(_sshd.Dir, "agent-publish");
        await AgentInstall.PublishAsync(published);

        _home = OrchestratorProcess.CreateHome();
        await ProgramRun.RunCheckedAsync("dotnet", [OrchestratorBuild.Program, "certs", "init"], _home, timeout: TimeSpan.FromSeconds(120));
        await File.WriteAllTextAsync(Path.Combine(_home, "config", "agent_whitelist.yaml"), "# enrolled agents are added here\nallowed_agents: []\n");
        return OrchestratorProcess.Start(_home, environment: new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "agents",
            ["JWT_SECRET"] = JwtSecret,
            ["P4FLOW_agents__whitelist_poll_interval"] = "0.2",
            ["P4FLOW_bootstrap__agent_package"] = published,
        });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_sshd is not null) await _sshd.DisposeAsync();
        if (_home is not null) Directory.Delete(_home, recursive: true);
    }
}

/// <summary>Runs alone, after the other browser tests: publishing and installing the agent would starve their pages of CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AgentHostCollection : ICollectionFixture<AgentHostFixture>
{
    public const string Name = "studio agent host";
}
