using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Bootstrap;

namespace P4Flow.Orchestrator.Tests.Bootstrap;

/// <summary>
/// This machine as a build host: a real OpenSSH sshd in the foreground on a free 127.0.0.1 port, with a generated
/// host key, root allowed in with a key only, and the agent published once (self-contained) and packed, for every
/// bootstrap test of the run.
/// </summary>
public sealed class SshHostFixture : IAsyncLifetime
{
    private LocalSshd? _sshd;

    public string Dir => _sshd!.Dir;
    public int Port => _sshd!.Port;
    public static string User => Environment.UserName;
    public string ClientKey => _sshd!.ClientKey;
    /// <summary>A key the server does not know.</summary>
    public string WrongKey => Path.Combine(Dir, "wrong_key");
    public string KnownHosts => _sshd!.KnownHosts;
    /// <summary>Holds another key for this host, as after the host was replaced (or an attacker answers).</summary>
    public string ChangedKnownHosts => Path.Combine(Dir, "known_hosts_changed");
    public string Fingerprint { get; private set; } = "";
    public AgentBundle Bundle { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _sshd = await LocalSshd.StartAsync() ?? throw new InvalidOperationException($"{LocalSshd.Program} is missing: apt-get install openssh-server");
        await LocalSshd.NewKeyAsync(Path.Combine(Dir, "other_host_key"));
        await LocalSshd.NewKeyAsync(WrongKey);
        await File.WriteAllTextAsync(KnownHosts, "# a comment\n" + await LocalSshd.KnownHostsLineAsync(Port, _sshd.HostKey + ".pub"));
        await File.WriteAllTextAsync(ChangedKnownHosts, await LocalSshd.KnownHostsLineAsync(Port, Path.Combine(Dir, "other_host_key.pub")));
        Fingerprint = await _sshd.FingerprintAsync();

        var published = Path.Combine(Dir, "agent-publish");
        await AgentInstall.PublishAsync(published);
        using var package = new AgentPackage(Options.Create(new BootstrapOptions { AgentPackage = published, PublishCache = Path.Combine(Dir, "bundle") }));
        Bundle = await package.GetAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_sshd is not null) await _sshd.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SshHostCollection : ICollectionFixture<SshHostFixture>
{
    public const string Name = "ssh host";
}
