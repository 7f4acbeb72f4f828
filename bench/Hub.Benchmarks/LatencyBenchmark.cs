using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Activities.Commands;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.V1;
using P4Flow.TestSupport;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// A no-op command (`true`) hub -> agent -> result, beside a bare ping on the same stream, a bare process spawn and
/// `true` over a fresh SSH connection; with the parts of a dispatch that cost most (signing, the agent's own time).
/// </summary>
internal static class LatencyBenchmark
{
    public static async Task<int> RunAsync(int count, int sshCount)
    {
        const string agentId = "bench-agent";
        await using var hub = await BenchHub.StartAsync(agentId);
        var request = new CommandRequest("bench-job", "BENCH", ["true"], new Dictionary<string, string>(), TimeSpan.FromSeconds(30));

        for (var i = 0; i < Math.Min(500, count); i++) await hub.Dispatcher.RunAsync(request, CancellationToken.None);
        var dispatch = new List<TimeSpan>(count);
        var onAgent = new List<TimeSpan>(count);
        var clock = new Stopwatch();
        var containment = "";
        for (var i = 0; i < count; i++)
        {
            clock.Restart();
            var result = await hub.Dispatcher.RunAsync(request, CancellationToken.None);
            dispatch.Add(clock.Elapsed);
            onAgent.Add(result.Duration);
            containment = string.Join(", ", result.Containment ?? []);
            if (result.ExitCode != 0) throw new InvalidOperationException($"`true` exited {result.ExitCode}: {result.Stderr}");
        }

        for (var i = 0; i < 500; i++) await hub.Registry.ProbeAsync(agentId, CancellationToken.None);
        var pings = new List<TimeSpan>(count);
        for (var i = 0; i < count; i++) pings.Add(await hub.Registry.ProbeAsync(agentId, CancellationToken.None));

        var spawns = await SpawnAsync(Math.Min(count, 2_000));
        var signs = Sign(hub.Services.GetRequiredService<CommandSigner>(), agentId, Math.Min(count, 2_000));

        Console.WriteLine($"Agent hub latency on {Environment.ProcessorCount} cores, .NET {Environment.Version}, mTLS (TLS 1.3) over 127.0.0.1");
        Console.WriteLine($"agent containment: {containment}");
        Console.WriteLine(Figures.Describe("dispatch `true` hub -> agent -> result", dispatch));
        Console.WriteLine(Figures.Describe("  of which on the agent (checks, launch, run)", onAgent));
        Console.WriteLine(Figures.Describe("  of which token + RSA-PSS signature", signs));
        Console.WriteLine(Figures.Describe("bare gRPC ping on the same stream", pings));
        Console.WriteLine(Figures.Describe("bare process spawn of `true` from .NET", spawns));
        var ssh = await SshBaseline.RunAsync(sshCount);
        Console.WriteLine(ssh is null ? "fresh SSH.NET connection per command: skipped (no /usr/sbin/sshd; apt-get install openssh-server)" : Figures.Describe("`true` over a fresh SSH.NET connection", ssh));

        var p50 = Figures.Median(dispatch);
        var bound = 3 * (Figures.Median(pings) + Figures.Median(spawns));
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"target 1: dispatch p50 {p50:0.000} ms <= 3 x (ping p50 + spawn p50) = {bound:0.000} ms: {(p50 <= bound ? "met" : "NOT met")}"));
        if (ssh is not null)
        {
            var ratio = Figures.Median(ssh) / p50;
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"target 2: SSH p50 / dispatch p50 = {ratio:0.0}x >= 50x: {(ratio >= 50 ? "met" : "NOT met")}"));
        }
        return 0;
    }

    /// <summary>`true` started and awaited the plain way: the floor under any command an agent runs.</summary>
    private static async Task<List<TimeSpan>> SpawnAsync(int count)
    {
        var samples = new List<TimeSpan>(count);
        var clock = new Stopwatch();
        for (var i = 0; i < count + 100; i++)
        {
            clock.Restart();
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/true") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (i >= 100) samples.Add(clock.Elapsed);
        }
        return samples;
    }

    private static List<TimeSpan> Sign(CommandSigner signer, string agentId, int count)
    {
        var samples = new List<TimeSpan>(count);
        var clock = new Stopwatch();
        for (var i = 0; i < count + 100; i++)
        {
            var command = new Command { CmdId = i + 1, JobId = "bench-job", Stage = "BENCH", Workspace = "bench-job" };
            command.Args.Add("true");
            clock.Restart();
            signer.Sign(command, agentId);
            if (i >= 100) samples.Add(clock.Elapsed);
        }
        return samples;
    }
}
