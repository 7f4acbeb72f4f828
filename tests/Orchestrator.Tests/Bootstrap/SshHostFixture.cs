using System.Diagnostics;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Tests.Support;

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
        await LocalSshd.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(Dir, "other_host_key"));
        await LocalSshd.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", WrongKey);
        await File.WriteAllTextAsync(KnownHosts, "# a comment\n" + await LocalSshd.KnownHostsLineAsync(Port, _sshd.HostKey + ".pub"));
        await File.WriteAllTextAsync(ChangedKnownHosts, await LocalSshd.KnownHostsLineAsync(Port, Path.Combine(Dir, "other_host_key.pub")));
        // As an administrator would pin it: what ssh-keygen prints ("256 SHA256:... comment (ED25519)").
        Fingerprint = (await ShellAsync($"ssh-keygen -lf {_sshd.HostKey}.pub")).Split(' ')[1];

        var published = Path.Combine(Dir, "agent-publish");
        await LocalSshd.RunAsync("dotnet", "publish", Path.Combine(RepositoryRoot(), "src", "Agent", "Agent.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", published, "-v", "quiet", "-nologo");
        using var package = new AgentPackage(Options.Create(new BootstrapOptions { AgentPackage = published, PublishCache = Path.Combine(Dir, "bundle") }));
        Bundle = await package.GetAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_sshd is not null) await _sshd.DisposeAsync();
    }

    /// <summary>Runs a command on this machine (what the host sees), returning its output.</summary>
    public static async Task<string> ShellAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("sh", ["-c", command]) { UseShellExecute = false, RedirectStandardOutput = true }) ?? throw new InvalidOperationException("sh did not start");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "P4Flow.sln"))) return dir.FullName;
        throw new InvalidOperationException("P4Flow.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class SshHostCollection : ICollectionFixture<SshHostFixture>
{
    public const string Name = "ssh host";
}
