using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol;
using P4Flow.Protocol.Certificates;
using P4Flow.Protocol.V1;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// A real orchestrator process with N agents connected, each on its own mTLS connection and stream, answering the
/// hub's pings for a while: the orchestrator's resident memory and whether any agent was marked TIMEOUT.
/// </summary>
internal static class ManyAgentsBenchmark
{
    public static async Task<int> RunAsync(int count, int holdSeconds)
    {
        var home = Path.Combine(Path.GetTempPath(), "p4flow-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(home, "config"));
        var tls = HubTlsOptions.Under(home);
        tls.CaFile = Path.Combine(home, "certs", "ca.crt");
        HubCertificates.EnsureCreated(new P4Flow.Orchestrator.Configuration.HubTlsOptions
        {
            CertFile = Path.Combine(home, "certs", "hub.crt"),
            KeyFile = Path.Combine(home, "certs", "hub.key"),
            CaFile = tls.CaFile,
            CaKeyFile = Path.Combine(home, "certs", "ca.key"),
        });
        using var ca = CertificateFiles.LoadWithKey(tls.CaFile, Path.Combine(home, "certs", "ca.key"));
        var names = Enumerable.Range(0, count).Select(i => $"load-{i:D4}").ToList();
        var certificates = names.Select(n => CertificateAuthority.IssueClient(ca, n)).ToList();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "agent_whitelist.yaml"),
            "allowed_agents:\n" + string.Concat(names.Select(n => $"  - hostname: localhost\n    cert_cn: \"{n}\"\n    ip_range: \"127.0.0.0/8\"\n")));
        await File.WriteAllTextAsync(Path.Combine(home, "config", "master.yaml"), "state_management:\n  type: memory\n");

        var httpPort = BenchHub.FreePort();
        var hubPort = BenchHub.FreePort();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = home, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "P4Flow.Orchestrator.dll"));
        info.Environment["P4FLOW_server__http_port"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["P4FLOW_server__port"] = hubPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["P4FLOW_commands__runner"] = "agents";
        // Outside the demo the orchestrator needs the command-token secret (the load agents never get a command).
        info.Environment[P4Flow.Protocol.Security.CommandToken.SecretVariable] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        info.Environment["P4FLOW_server__https_port"] = "0";
        info.Environment["P4FLOW_resources__max_agents"] = (count + 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        using var orchestrator = Process.Start(info) ?? throw new InvalidOperationException("the orchestrator did not start");
        orchestrator.OutputDataReceived += (_, _) => { };
        orchestrator.ErrorDataReceived += (_, e) => { if (e.Data is { } line && line.Contains("fail", StringComparison.OrdinalIgnoreCase)) Console.Error.WriteLine(line); };
        orchestrator.BeginOutputReadLine();
        orchestrator.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        var agents = new List<LoadAgent>(count);
        try
        {
            await UntilAsync(async () => (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the orchestrator to be ready");
            // /api/agents is for admins: the key the orchestrator wrote on first start.
            http.DefaultRequestHeaders.Add("X-Api-Key", (await File.ReadAllTextAsync(Path.Combine(home, "data", "admin-api-key"))).Trim());
            var idleRss = Rss(orchestrator.Id);
            var clock = Stopwatch.StartNew();
            var address = new Uri($"https://127.0.0.1:{hubPort}");
            foreach (var batch in certificates.Chunk(50))
                agents.AddRange(await Task.WhenAll(batch.Select(c => LoadAgent.ConnectAsync(address, c, ca))));
            await UntilAsync(async () => (await States(http)).GetValueOrDefault("HEALTHY") == count, TimeSpan.FromSeconds(120), $"{count} agents to be HEALTHY");
            var connectTime = clock.Elapsed;

            var maxRss = Rss(orchestrator.Id);
            var timeouts = 0;
            var hold = Stopwatch.StartNew();
            while (hold.Elapsed < TimeSpan.FromSeconds(holdSeconds))
            {
                await Task.Delay(1000);
                maxRss = Math.Max(maxRss, Rss(orchestrator.Id));
                timeouts = Math.Max(timeouts, (await States(http)).GetValueOrDefault("TIMEOUT"));
            }
            var states = await States(http);
            var pongs = agents.Sum(a => a.Pongs);
            Console.WriteLine($"{count} agents, each on its own mTLS connection, held {holdSeconds} s with the hub pinging every 10 s");
            Console.WriteLine($"  connected and HEALTHY after      {connectTime.TotalSeconds:0.0} s");
            Console.WriteLine($"  orchestrator RSS idle / max      {idleRss / 1048576.0:0.0} MB / {maxRss / 1048576.0:0.0} MB (limit 300 MB)");
            Console.WriteLine($"  pings answered                   {pongs} ({pongs / (double)count:0.0} per agent)");
            Console.WriteLine($"  agents TIMEOUT (max seen / end)  {timeouts} / {states.GetValueOrDefault("TIMEOUT")}; HEALTHY at end {states.GetValueOrDefault("HEALTHY")}");
            return maxRss < 300L * 1024 * 1024 && timeouts == 0 && states.GetValueOrDefault("HEALTHY") == count ? 0 : 1;
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
            orchestrator.Kill(entireProcessTree: true);
            await orchestrator.WaitForExitAsync();
            foreach (var certificate in certificates) certificate.Dispose();
        }
    }

    private static async Task<Dictionary<string, int>> States(HttpClient http)
    {
        var list = await http.GetFromJsonAsync<JsonArray>(new Uri("/api/agents", UriKind.Relative)) ?? [];
        return list.GroupBy(a => a!["state"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
    }

    private static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task UntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await done()) return;
            }
            catch (HttpRequestException)
            {
            }
            if (clock.Elapsed > timeout) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(200);
        }
    }

    /// <summary>One agent of the load: a Hello, then pongs for every ping.</summary>
    private sealed class LoadAgent : IAsyncDisposable
    {
        private readonly GrpcChannel _channel;
        private readonly AsyncDuplexStreamingCall<AgentMessage, HubMessage> _call;
        private readonly Task _loop;
        private int _pongs;

        private LoadAgent(GrpcChannel channel, AsyncDuplexStreamingCall<AgentMessage, HubMessage> call)
        {
            _channel = channel;
            _call = call;
            _loop = AnswerAsync();
        }

        public int Pongs => Volatile.Read(ref _pongs);

        public static async Task<LoadAgent> ConnectAsync(Uri address, X509Certificate2 certificate, X509Certificate2 ca)
        {
            var channel = HubChannel.Create(address, certificate, ca);
            var call = new AgentHub.AgentHubClient(channel).Connect();
            var hello = new Hello { AgentId = CertificateValidation.CommonName(certificate), Version = ProtocolVersion.Current, Hostname = "load", MaxConcurrent = 1 };
            hello.Capabilities.Add("p4");
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = hello });
            return new LoadAgent(channel, call);
        }

        public async ValueTask DisposeAsync()
        {
            _call.Dispose();
            try
            {
                await _loop;
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException or InvalidOperationException)
            {
            }
            _channel.Dispose();
        }

        private async Task AnswerAsync()
        {
            await foreach (var message in _call.ResponseStream.ReadAllAsync())
            {
                if (message.BodyCase != HubMessage.BodyOneofCase.Ping) continue;
                await _call.RequestStream.WriteAsync(new AgentMessage { Pong = new Pong { Seq = message.Ping.Seq } });
                Interlocked.Increment(ref _pongs);
            }
        }
    }
}
