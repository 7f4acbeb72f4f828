using System.Diagnostics;
using System.Net.Sockets;

namespace P4Flow.TestSupport;

/// <summary>
/// A local OpenSSH sshd in the foreground on a free 127.0.0.1 port, with a generated host key (in known_hosts) and
/// an authorized client key; root may log in with that key only. Shared by the bootstrap tests and the hub benchmark.
/// </summary>
public sealed class LocalSshd : IAsyncDisposable
{
    public const string Program = "/usr/sbin/sshd";
    private readonly CapturedProcess _sshd;

    private LocalSshd(CapturedProcess sshd, string dir, int port)
    {
        _sshd = sshd;
        Dir = dir;
        Port = port;
    }

    public string Dir { get; }
    public int Port { get; }
    public string ClientKey => Path.Combine(Dir, "client_key");
    public string HostKey => Path.Combine(Dir, "host_key");
    public string KnownHosts => Path.Combine(Dir, "known_hosts");

    /// <returns>null when OpenSSH's server is not installed.</returns>
    public static async Task<LocalSshd?> StartAsync()
    {
        if (!File.Exists(Program)) return null;
        var dir = Path.Combine(Path.GetTempPath(), "p4flow-sshd-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory("/run/sshd");
        await NewKeyAsync(Path.Combine(dir, "host_key"));
        await NewKeyAsync(Path.Combine(dir, "client_key"));
        File.Copy(Path.Combine(dir, "client_key.pub"), Path.Combine(dir, "authorized_keys"));
        var port = Loopback.FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir, "known_hosts"), await KnownHostsLineAsync(port, Path.Combine(dir, "host_key.pub")));
        var config = Path.Combine(dir, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {dir}/host_key
            AuthorizedKeysFile {dir}/authorized_keys
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PermitRootLogin prohibit-password
            StrictModes no
            PidFile none
            Subsystem sftp internal-sftp
            MaxStartups 200:30:400
            LogLevel ERROR
            {PassedMarkers()}

            """);
        var local = new LocalSshd(CapturedProcess.Start(new ProcessStartInfo(Program) { ArgumentList = { "-D", "-e", "-f", config } }), dir, port);
        try
        {
            await local.WaitForPortAsync();
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
        return local;
    }

    /// <summary>
    /// sshd gives each session a fresh environment: the test host's markers are set in them too, so that whatever a
    /// session leaves running (an agent a bootstrap detached with setsid) is ended with the host's other processes.
    /// </summary>
    private static string PassedMarkers()
    {
        TestProcessWatchdog.EnsureStarted();
        var markers = new[] { TestProcessWatchdog.HostVariable, TestProcessWatchdog.RunVariable }
            .Select(name => (Name: name, Value: Environment.GetEnvironmentVariable(name)))
            .Where(m => !string.IsNullOrEmpty(m.Value))
            .Select(m => $"{m.Name}={m.Value}");
        return "SetEnv " + string.Join(' ', markers);
    }

    /// <summary>A new ed25519 key pair without a passphrase: <paramref name="privateKeyFile"/> and its .pub.</summary>
    public static Task NewKeyAsync(string privateKeyFile) =>
        ProgramRun.RunCheckedAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", privateKeyFile]);

    /// <summary>The known_hosts line for a host key (its .pub file) on this server's address and <paramref name="port"/>.</summary>
    public static async Task<string> KnownHostsLineAsync(int port, string publicKeyFile)
    {
        var key = (await File.ReadAllTextAsync(publicKeyFile)).Split(' ');
        return $"[127.0.0.1]:{port} {key[0]} {key[1]}\n";
    }

    /// <summary>The host key's fingerprint as an administrator would pin it: what ssh-keygen -lf prints ("SHA256:...").</summary>
    public async Task<string> FingerprintAsync() =>
        (await ProgramRun.RunCheckedAsync("ssh-keygen", ["-lf", HostKey + ".pub"])).Stdout.Split(' ')[1];

    public async ValueTask DisposeAsync()
    {
        await _sshd.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }

    private async Task WaitForPortAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_sshd.HasExited) throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode}: {_sshd.Output}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(20);
            }
        }
    }
}
