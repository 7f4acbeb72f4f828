using System.Diagnostics;
using System.Net.Sockets;
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
    private const string Sshd = "/usr/sbin/sshd";
    private Process? _sshd;

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "p4flow-sshd-" + Guid.NewGuid().ToString("N")[..8]);
    public int Port { get; private set; }
    public static string User => Environment.UserName;
    public string ClientKey => Path.Combine(Dir, "client_key");
    /// <summary>A key the server does not know.</summary>
    public string WrongKey => Path.Combine(Dir, "wrong_key");
    public string KnownHosts => Path.Combine(Dir, "known_hosts");
    /// <summary>Holds another key for this host, as after the host was replaced (or an attacker answers).</summary>
    public string ChangedKnownHosts => Path.Combine(Dir, "known_hosts_changed");
    public string Fingerprint { get; private set; } = "";
    public AgentBundle Bundle { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Dir);
        Directory.CreateDirectory("/run/sshd");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(Dir, "host_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(Dir, "other_host_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ClientKey);
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", WrongKey);
        File.Copy(ClientKey + ".pub", Path.Combine(Dir, "authorized_keys"));
        Port = OrchestratorProcess.FreePort();
        var config = Path.Combine(Dir, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {Dir}/host_key
            AuthorizedKeysFile {Dir}/authorized_keys
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PermitRootLogin prohibit-password
            StrictModes no
            PidFile {Dir}/sshd.pid
            Subsystem sftp internal-sftp
            LogLevel ERROR

            """);
        _sshd = Process.Start(new ProcessStartInfo(Sshd) { ArgumentList = { "-D", "-e", "-f", config }, UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException("sshd did not start");
        _sshd.ErrorDataReceived += (_, _) => { };
        _sshd.BeginErrorReadLine();
        await WaitForPortAsync();

        var hostKey = (await File.ReadAllTextAsync(Path.Combine(Dir, "host_key.pub"))).Split(' ');
        var otherKey = (await File.ReadAllTextAsync(Path.Combine(Dir, "other_host_key.pub"))).Split(' ');
        await File.WriteAllTextAsync(KnownHosts, $"# a comment\n[127.0.0.1]:{Port} {hostKey[0]} {hostKey[1]}\n");
        await File.WriteAllTextAsync(ChangedKnownHosts, $"[127.0.0.1]:{Port} {otherKey[0]} {otherKey[1]}\n");
        // As an administrator would pin it: what ssh-keygen prints ("256 SHA256:... comment (ED25519)").
        Fingerprint = (await ShellAsync($"ssh-keygen -lf {Dir}/host_key.pub")).Split(' ')[1];

        var published = Path.Combine(Dir, "agent-publish");
        await RunAsync("dotnet", "publish", Path.Combine(RepositoryRoot(), "src", "Agent", "Agent.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", published, "-v", "quiet", "-nologo");
        using var package = new AgentPackage(Options.Create(new BootstrapOptions { AgentPackage = published, PublishCache = Path.Combine(Dir, "bundle") }));
        Bundle = await package.GetAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_sshd is not null)
        {
            if (!_sshd.HasExited) _sshd.Kill(entireProcessTree: true);
            await _sshd.WaitForExitAsync();
            _sshd.Dispose();
        }
        Directory.Delete(Dir, recursive: true);
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

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }

    private async Task WaitForPortAsync()
    {
        await Eventually.Until(async () =>
        {
            if (_sshd!.HasExited) throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, up => up, TimeSpan.FromSeconds(10), "sshd to listen");
    }
}

[CollectionDefinition(Name)]
public sealed class SshHostCollection : ICollectionFixture<SshHostFixture>
{
    public const string Name = "ssh host";
}
