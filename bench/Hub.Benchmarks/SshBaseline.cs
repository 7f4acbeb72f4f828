using System.Diagnostics;
using System.Net.Sockets;
using Renci.SshNet;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// The baseline the agent protocol replaces: `true` over a fresh SSH connection per command, to a local OpenSSH
/// sshd in the foreground on a free 127.0.0.1 port with a generated host key and an authorized key.
/// </summary>
internal static class SshBaseline
{
    private const string Sshd = "/usr/sbin/sshd";

    public static async Task<List<TimeSpan>?> RunAsync(int count)
    {
        if (!File.Exists(Sshd) || count <= 0) return null;
        var dir = Path.Combine(Path.GetTempPath(), "p4flow-sshd-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory("/run/sshd");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "host_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "client_key"));
        File.Copy(Path.Combine(dir, "client_key.pub"), Path.Combine(dir, "authorized_keys"));
        var port = BenchHub.FreePort();
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
            MaxStartups 200:30:400
            LogLevel ERROR

            """);
        using var sshd = Process.Start(new ProcessStartInfo(Sshd) { ArgumentList = { "-D", "-e", "-f", config }, UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException("sshd did not start");
        sshd.ErrorDataReceived += (_, _) => { };
        sshd.BeginErrorReadLine();
        try
        {
            await WaitForPortAsync(port);
            using var key = new PrivateKeyFile(Path.Combine(dir, "client_key"));
            var user = Environment.UserName;
            TimeSpan Once()
            {
                var clock = Stopwatch.StartNew();
                using var client = new SshClient("127.0.0.1", port, user, key);
                client.Connect();
                using var command = client.RunCommand("true");
                if (command.ExitStatus != 0) throw new InvalidOperationException($"`true` over SSH exited {command.ExitStatus}: {command.Error}");
                client.Disconnect();
                return clock.Elapsed;
            }
            for (var i = 0; i < Math.Min(20, count); i++) Once();
            var samples = new List<TimeSpan>(count);
            for (var i = 0; i < count; i++) samples.Add(Once());
            return samples;
        }
        finally
        {
            sshd.Kill(entireProcessTree: true);
            await sshd.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false }) ?? throw new InvalidOperationException($"{program} did not start");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} exited {process.ExitCode}");
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }
}
