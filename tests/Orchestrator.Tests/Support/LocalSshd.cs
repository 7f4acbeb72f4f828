using System.Diagnostics;
using System.Net.Sockets;

namespace P4Flow.Orchestrator.Tests.Support;

/// <summary>
/// A local OpenSSH sshd in the foreground on a free 127.0.0.1 port, with a generated host key (in known_hosts) and
/// an authorized client key; root may log in with that key only. Shared by the bootstrap tests and the hub benchmark
/// (which compiles this file in), so it needs nothing from a test framework.
/// </summary>
public sealed class LocalSshd : IAsyncDisposable
{
    public const string Program = "/usr/sbin/sshd";
    private readonly Process _sshd;

    private LocalSshd(Process sshd, string dir, int port)
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
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "host_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "client_key"));
        File.Copy(Path.Combine(dir, "client_key.pub"), Path.Combine(dir, "authorized_keys"));
        var port = FreePort();
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

            """);
        var sshd = Process.Start(new ProcessStartInfo(Program) { ArgumentList = { "-D", "-e", "-f", config }, UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException("sshd did not start");
        sshd.ErrorDataReceived += (_, _) => { };
        sshd.BeginErrorReadLine();
        var local = new LocalSshd(sshd, dir, port);
        await local.WaitForPortAsync();
        return local;
    }

    /// <summary>The known_hosts line for a host key (its .pub file) on this server's address and <paramref name="port"/>.</summary>
    public static async Task<string> KnownHostsLineAsync(int port, string publicKeyFile)
    {
        var key = (await File.ReadAllTextAsync(publicKeyFile)).Split(' ');
        return $"[127.0.0.1]:{port} {key[0]} {key[1]}\n";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_sshd.HasExited) _sshd.Kill(entireProcessTree: true);
        await _sshd.WaitForExitAsync();
        _sshd.Dispose();
        Directory.Delete(Dir, recursive: true);
    }

    public static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitForPortAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_sshd.HasExited) throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }
}
