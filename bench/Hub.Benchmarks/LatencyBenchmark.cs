using System.Diagnostics;
using P4Flow.Activities.Commands;

namespace P4Flow.Hub.Benchmarks;

/// <summary>A no-op command (`true`) hub -> agent -> result, a bare ping on the same stream, and `true` over a fresh SSH connection.</summary>
internal static class LatencyBenchmark
{
    public static async Task<int> RunAsync(int count, int sshCount)
    {
        const string agentId = "bench-agent";
        await using var hub = await BenchHub.StartAsync(agentId);
        var request = new CommandRequest("bench-job", "BENCH", ["true"], new Dictionary<string, string>(), TimeSpan.FromSeconds(30));

        for (var i = 0; i < Math.Min(500, count); i++) await hub.Dispatcher.RunAsync(request, CancellationToken.None);
        var dispatch = new List<TimeSpan>(count);
        var clock = new Stopwatch();
        for (var i = 0; i < count; i++)
        {
            clock.Restart();
            var result = await hub.Dispatcher.RunAsync(request, CancellationToken.None);
            dispatch.Add(clock.Elapsed);
            if (result.ExitCode != 0) throw new InvalidOperationException($"`true` exited {result.ExitCode}: {result.Stderr}");
        }

        for (var i = 0; i < 500; i++) await hub.Registry.ProbeAsync(agentId, CancellationToken.None);
        var pings = new List<TimeSpan>(count);
        for (var i = 0; i < count; i++) pings.Add(await hub.Registry.ProbeAsync(agentId, CancellationToken.None));

        Console.WriteLine($"Agent hub latency on {Environment.ProcessorCount} cores, .NET {Environment.Version}, mTLS (TLS 1.3) over 127.0.0.1");
        Console.WriteLine(Figures.Describe("dispatch `true` hub -> agent -> result", dispatch));
        Console.WriteLine(Figures.Describe("bare gRPC ping on the same stream", pings));
        var ssh = await SshBaseline.RunAsync(sshCount);
        Console.WriteLine(ssh is null ? "fresh SSH.NET connection per command: skipped (no /usr/sbin/sshd; apt-get install openssh-server)" : Figures.Describe("`true` over a fresh SSH.NET connection", ssh));
        return 0;
    }
}
