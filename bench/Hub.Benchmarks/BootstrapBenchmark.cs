using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Extensions;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;
using P4Flow.TestSupport;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// How long enrolling a host over SSH takes: the hub in this process bootstraps this machine through a local sshd
/// (as root: a p4agent user, the agent build uploaded and checked, certificates, start, connection) several times;
/// the first is a fresh install, the others upgrades in place. The agent build is packed once before timing.
/// </summary>
internal static class BootstrapBenchmark
{
    public static async Task<int> RunAsync(int count, string? package)
    {
        await using var sshd = await LocalSshd.StartAsync();
        if (sshd is null)
        {
            Console.Error.WriteLine("no /usr/sbin/sshd: apt-get install openssh-server");
            return 1;
        }
        var dir = Path.Combine(Path.GetTempPath(), "p4flow-bench-" + Guid.NewGuid().ToString("N")[..8]);
        HubCertificates.EnsureCreated(HubTlsOptions.Under(dir));
        await File.WriteAllTextAsync(Path.Combine(dir, "agent_whitelist.yaml"), "allowed_agents: []\n");
        var jwtSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var app = await BenchHub.StartHubAsync(dir, BenchHub.FreePort(), jwtSecret, new Dictionary<string, string?>
        {
            ["bootstrap:known_hosts"] = sshd.KnownHosts,
            ["bootstrap:agent_package"] = package,
            ["bootstrap:publish_cache"] = Path.Combine(dir, "package"),
            ["bootstrap:enrolments"] = Path.Combine(dir, "enrolments.json"),
            ["bootstrap:host_keys"] = Path.Combine(dir, "host_keys.json"),
        }, builder => builder.AddBootstrap());
        var name = "bench-" + Guid.NewGuid().ToString("N")[..6];
        var service = app.Services.GetRequiredService<BootstrapService>();
        try
        {
            var bundle = await app.Services.GetRequiredService<AgentPackage>().GetAsync(CancellationToken.None);
            Console.WriteLine($"agent bundle {bundle.Path}: {bundle.Length / 1024 / 1024} MiB");
            var request = new BootstrapRequest { Host = "127.0.0.1", Port = sshd.Port, User = Environment.UserName, KeyRef = sshd.ClientKey, AgentName = name };
            var samples = new List<TimeSpan>();
            for (var i = 0; i < count; i++)
            {
                var clock = Stopwatch.StartNew();
                var outcome = await service.BootstrapAsync(request, null, CancellationToken.None);
                if (!outcome.Succeeded) throw new InvalidOperationException($"bootstrap failed at {outcome.FailedStep}: {outcome.Error}");
                samples.Add(clock.Elapsed);
                Console.WriteLine($"bootstrap {i + 1}: {clock.Elapsed.TotalMilliseconds:0} ms ({string.Join(", ", outcome.Steps.Where(s => s.Status != StepStatus.Running).Select(s => $"{s.Step} {s.DurationMs}"))})");
            }
            Console.WriteLine(Figures.Describe("bootstrap over SSH (1 install + upgrades)", samples));
            await service.RemoveAsync(name, "bench", null, CancellationToken.None);
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
