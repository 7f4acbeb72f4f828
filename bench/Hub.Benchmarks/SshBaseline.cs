using System.Diagnostics;
using P4Flow.TestSupport;
using Renci.SshNet;

namespace P4Flow.Hub.Benchmarks;

/// <summary>The baseline the agent protocol replaces: `true` over a fresh SSH connection per command, to a local OpenSSH sshd.</summary>
internal static class SshBaseline
{
    public static async Task<List<TimeSpan>?> RunAsync(int count)
    {
        if (count <= 0) return null;
        await using var sshd = await LocalSshd.StartAsync();
        if (sshd is null) return null;
        using var key = new PrivateKeyFile(sshd.ClientKey);
        var user = Environment.UserName;
        TimeSpan Once()
        {
            var clock = Stopwatch.StartNew();
            using var client = new SshClient("127.0.0.1", sshd.Port, user, key);
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
}
