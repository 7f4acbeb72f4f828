using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.Security;
using P4Flow.TestSupport;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// Several orchestrators on one PostgreSQL database (a real server started for the run), two real agents, the p4
/// simulator: integrations per minute with one node and with two (the same agents, the same jobs, started round-robin
/// over the nodes' APIs), and the failover time: a node killed with SIGKILL while jobs run, from the kill to the first
/// command, on the surviving node, of a job whose work the dead one was doing, over several kills.
/// </summary>
internal static class ClusterBenchmark
{
    private const string JwtSecret = "bench-jwt-secret-0123456789abcdef0123456789";
    private static readonly string[] AgentIds = ["bench-agent-1", "bench-agent-2"];

    public static async Task<int> RunAsync(int count, int kills, int lease)
    {
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        var perMinute = new Dictionary<int, double>();
        foreach (var nodes in count > 0 ? new[] { 1, 2 } : [])
        {
            await using var cluster = await BenchCluster.StartAsync(nodes, lease);
            perMinute[nodes] = await ThroughputAsync(cluster, count);
        }
        if (count > 0) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"two nodes against one: {perMinute[2] / perMinute[1]:0.00}x"));
        if (kills > 0)
        {
            await using var cluster = await BenchCluster.StartAsync(2, lease);
            await FailoverAsync(cluster, kills, lease);
        }
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        return 0;
    }

    private static async Task<double> ThroughputAsync(BenchCluster cluster, int count)
    {
        var depots = await DepotsAsync(count, latencyMs: 0);
        try
        {
            var cpu = cluster.Nodes.Select(n => ProcessCpu.Of(n.Pid)).ToList();
            var clock = Stopwatch.StartNew();
            var jobs = new List<(string Id, BenchCluster.Node Node)>();
            for (var i = 0; i < depots.Count; i++)
            {
                var node = cluster.Nodes[i % cluster.Nodes.Count];
                jobs.Add((await StartAsync(node, depots[i]), node));
            }
            var walls = new List<double>();
            foreach (var (id, node) in jobs)
            {
                var job = await WaitEndAsync(node, id, TimeSpan.FromSeconds(600));
                if (job["status"]!.GetValue<string>() != "Finished") throw new InvalidOperationException($"job {id} ended {job["status"]}: {job["fault"]?.ToJsonString()}");
                walls.Add((DateTime.Parse(job["finishedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
                    - DateTime.Parse(job["createdAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).TotalSeconds);
            }
            var elapsed = clock.Elapsed;
            var rate = count / elapsed.TotalMinutes;
            walls.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{cluster.Nodes.Count} node(s), {AgentIds.Length} agents: {count} integrations in {elapsed.TotalSeconds:0.0} s = {rate:0.0} per minute; job wall p50 {walls[walls.Count / 2]:0.0} s, p90 {walls[walls.Count * 9 / 10]:0.0} s"));
            for (var i = 0; i < cluster.Nodes.Count; i++)
            {
                var node = cluster.Nodes[i];
                var commands = CommandsOf(node).Count(c => c["event"]?.GetValue<string>() == "command_completed");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  node {node.Name}: CPU {(ProcessCpu.Of(node.Pid) - cpu[i]).TotalSeconds:0.0} s ({(ProcessCpu.Of(node.Pid) - cpu[i]).TotalSeconds / elapsed.TotalSeconds * 100:0} % of a core), {commands} commands dispatched by its workers"));
            }
            var agentsCpu = cluster.Agents.Sum(a => ProcessCpu.Of(a.Pid).TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  agents: CPU {agentsCpu:0.0} s in all (their p4 children not included)"));
            return rate;
        }
        finally
        {
            foreach (var depot in depots) depot.Dispose();
        }
    }

    /// <summary>
    /// Kills node a with jobs running (each command slowed, so some are out), waits for node b to take over, and measures
    /// from the kill to b's first command of a job a's workers had been running; then starts a new node a on the same
    /// ports, for the next kill.
    /// </summary>
    private static async Task FailoverAsync(BenchCluster cluster, int kills, int lease)
    {
        var seconds = new List<double>();
        var last = new List<double>();
        for (var k = 1; k <= kills; k++)
        {
            // A new node a in the place (ports) of the one the last round killed.
            if (k > 1) await cluster.ReplaceAsync(0);
            var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
            var depots = await DepotsAsync(8, latencyMs: 400);
            try
            {
                var jobs = new List<string>();
                for (var i = 0; i < depots.Count; i++) jobs.Add(await StartAsync(cluster.Nodes[i % 2], depots[i]));
                // Jobs under way on a: a command of a's done for every job, none ended.
                await Eventually.Until(() => Task.FromResult(CommandsOf(a).Select(c => c["job_id"]?.GetValue<string>()).Distinct().Count(j => jobs.Contains(j!))),
                    n => n >= 2, TimeSpan.FromSeconds(120), "node a to run commands of the jobs");
                // The jobs whose background work node a's workers are running right now, by Hangfire's own record.
                var processing = await cluster.Postgres.PsqlAsync("p4flow", $"""
                    SELECT j.arguments FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid
                    WHERE j.statename = 'Processing' AND (s.data::jsonb ->> 'ServerId') LIKE '{a.NodePrefix}%'
                    """);
                var orphans = jobs.Where(j => processing.Contains(j, StringComparison.Ordinal)).ToHashSet();
                var killedAt = DateTime.UtcNow;
                await a.Process.KillAsync();
                foreach (var id in jobs)
                {
                    var job = await WaitEndAsync(b, id, TimeSpan.FromSeconds(600));
                    if (job["status"]!.GetValue<string>() != "Finished") throw new InvalidOperationException($"job {id} ended {job["status"]} after the kill: {job["fault"]?.ToJsonString()}");
                }
                // For each orphaned job, its first command on the survivor after the kill (a job whose next step the
                // survivor's workers had already taken counts from then, hence also the last of them).
                var resumed = orphans.Select(j => CommandsOf(b).Where(c => c["job_id"]?.GetValue<string>() == j)
                        .Select(c => DateTime.Parse(c["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
                            - TimeSpan.FromMilliseconds(c["metadata"]?["round_trip_ms"]?.GetValue<double>() ?? 0))
                        .Where(t => t > killedAt).DefaultIfEmpty(DateTime.MaxValue).Min())
                    .Where(t => t != DateTime.MaxValue).Select(t => (t - killedAt).TotalSeconds).Order().ToList();
                if (resumed.Count == 0)
                {
                    Console.WriteLine($"kill {k}: no job's work was running on node a at the kill; not counted");
                    continue;
                }
                seconds.Add(resumed[0]);
                last.Add(resumed[^1]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"kill {k}: {orphans.Count} jobs' work on node a at the kill; first of them on the survivor {resumed[0]:0.0} s after it, the last {resumed[^1]:0.0} s (cluster.node_lease {lease} s)"));
            }
            finally
            {
                foreach (var depot in depots) depot.Dispose();
            }
        }
        seconds.Sort();
        last.Sort();
        if (seconds.Count == 0) return;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"failover over {seconds.Count} kills, kill -> first orphaned job's command on the survivor: p50 {seconds[seconds.Count / 2]:0.0} s (min {seconds[0]:0.0}, max {seconds[^1]:0.0}); -> the last orphaned job's: p50 {last[last.Count / 2]:0.0} s (max {last[^1]:0.0}) (cluster.node_lease {lease} s)"));
    }

    private static async Task<List<SimDepot>> DepotsAsync(int count, int latencyMs)
    {
        using var gate = new SemaphoreSlim(4);
        return [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var depot = await SimDepot.CreateWithChangeOnMainAsync("one\ntwo\nthree\n", "one\nTWO\nthree\n");
                if (latencyMs > 0) await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["ms"] = latencyMs });
                return depot;
            }
            finally
            {
                gate.Release();
            }
        }))];
    }

    private static async Task<string> StartAsync(BenchCluster.Node node, SimDepot depot)
    {
        using var start = await node.Process.Client.PostAsJsonAsync(new Uri("/api/workflow-definitions/p4-integrate/runs", UriKind.Relative), new JsonObject
        {
            ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root,
        });
        if (!start.IsSuccessStatusCode) throw new InvalidOperationException($"start answered {(int)start.StatusCode}: {await start.Content.ReadAsStringAsync()}");
        return (await start.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<string>();
    }

    private static async Task<JsonObject> WaitEndAsync(BenchCluster.Node node, string jobId, TimeSpan timeout) =>
        (await Eventually.Until(() => node.Process.Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/jobs/{jobId}", UriKind.Relative)),
            j => j!["status"]!.GetValue<string>() is "Finished" or "Faulted" or "Cancelled", timeout, $"job {jobId} to end"))!;

    private static List<JsonNode> CommandsOf(BenchCluster.Node node)
    {
        var log = Path.Combine(node.Process.Home, "logs", "commands.jsonl");
        if (!File.Exists(log)) return [];
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<JsonNode>();
        while (reader.ReadLine() is { } line)
        {
            try
            {
                if (JsonNode.Parse(line) is { } node2) lines.Add(node2);
            }
            catch (System.Text.Json.JsonException)
            {
                // The line being written.
            }
        }
        return lines;
    }

    /// <summary>The nodes (fixed ports, so a replacement takes the dead one's place for the agents) and the agents.</summary>
    private sealed class BenchCluster : IAsyncDisposable
    {
        private readonly LocalPostgres _postgres;
        private readonly string _connection;
        private readonly string _first;
        private readonly int _lease;
        private readonly List<string> _homes = [];
        private bool _firstStarted;

        private BenchCluster(LocalPostgres postgres, string connection, string first, int lease)
        {
            _postgres = postgres;
            _connection = connection;
            _first = first;
            _lease = lease;
        }

        public sealed record Node(string Name, int HubPort, int HttpPort, OrchestratorProcess Process)
        {
            public int? Pid => ProcessCpu.PidWithWorkingDirectory(Process.Home);

            /// <summary>How its Hangfire servers name themselves: its node id (from its log), then ':'.</summary>
            public string NodePrefix => System.Text.RegularExpressions.Regex.Match(Process.Output, $@"Node ({Name}-[0-9a-f]{{6}}) joined the cluster").Groups[1].Value + ":";
        }

        public LocalPostgres Postgres => _postgres;

        public List<Node> Nodes { get; } = [];
        public List<CapturedProcess> Agents { get; } = [];

        public static async Task<BenchCluster> StartAsync(int nodes, int lease)
        {
            var postgres = await LocalPostgres.StartAsync();
            var first = OrchestratorProcess.CreateHome();
            var tls = HubTlsOptions.Under(first);
            HubCertificates.EnsureCreated(tls);
            foreach (var agent in AgentIds) HubCertificates.IssueAgent(tls, agent);
            await File.WriteAllTextAsync(Path.Combine(first, "config", "agent_whitelist.yaml"),
                "allowed_agents:\n" + string.Concat(AgentIds.Select(a => $"  - hostname: \"localhost\"\n    cert_cn: \"{a}\"\n    ip_range: \"127.0.0.0/8\"\n")));
            var cluster = new BenchCluster(postgres, await postgres.CreateDatabaseAsync("p4flow"), first, lease);
            cluster._homes.Add(first);
            for (var i = 0; i < nodes; i++) cluster.Nodes.Add(await cluster.StartNodeAsync(((char)('a' + i)).ToString(), Loopback.FreePort(), Loopback.FreePort()));
            // Each agent tries its own node first, then the other.
            for (var i = 0; i < AgentIds.Length; i++)
            {
                var hubs = Enumerable.Range(0, cluster.Nodes.Count).Select(n => cluster.Nodes[(i + n) % cluster.Nodes.Count].HubPort).ToList();
                var agent = IntegrationBenchmark.StartAgent(first, hubs[0], AgentIds[i], JwtSecret, AgentIds[i], hubs);
                cluster.Agents.Add(agent);
            }
            foreach (var (agent, node) in AgentIds.Select((a, i) => (a, cluster.Nodes[i % cluster.Nodes.Count])))
                await Eventually.Until(() => node.Process.Client.GetFromJsonAsync<JsonArray>(new Uri("/api/agents", UriKind.Relative)),
                    l => l!.Any(x => x!["id"]!.GetValue<string>() == agent && x["state"]!.GetValue<string>() == "HEALTHY"), TimeSpan.FromSeconds(90), $"{agent} to connect to node {node.Name}");
            return cluster;
        }

        /// <summary>Kills nothing: starts a new node in the place (ports) of node <paramref name="index"/>, which was killed.</summary>
        public async Task ReplaceAsync(int index)
        {
            var old = Nodes[index];
            await old.Process.DisposeAsync();
            Nodes[index] = await StartNodeAsync(old.Name, old.HubPort, old.HttpPort);
        }

        private async Task<Node> StartNodeAsync(string name, int hubPort, int httpPort)
        {
            // The first node starts in the home that has the certificates and makes the credentials; the others copy them.
            var home = _firstStarted ? OrchestratorProcess.CreateHome() : _first;
            _firstStarted = true;
            if (home != _first)
            {
                foreach (var file in Directory.GetFiles(Path.Combine(_first, "certs"), "*", SearchOption.AllDirectories))
                {
                    var copy = Path.Combine(home, Path.GetRelativePath(_first, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                    File.Copy(file, copy, overwrite: true);
                }
                File.Copy(Path.Combine(_first, "config", "agent_whitelist.yaml"), Path.Combine(home, "config", "agent_whitelist.yaml"), overwrite: true);
                Directory.CreateDirectory(Path.Combine(home, "data"));
                File.Copy(Path.Combine(_first, "data", "admin-api-key"), Path.Combine(home, "data", "admin-api-key"), overwrite: true);
                _homes.Add(home);
            }
            var environment = new Dictionary<string, string>
            {
                ["P4FLOW_commands__runner"] = "agents",
                ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
                ["P4FLOW_perforce__allow_job_ports"] = "true",
                ["P4FLOW_perforce__user"] = "p4flow",
                ["P4FLOW_server__port"] = hubPort.ToString(CultureInfo.InvariantCulture),
                [CommandToken.SecretVariable] = JwtSecret,
                ["P4FLOW_state_management__type"] = "postgresql",
                ["P4FLOW_state_management__postgresql__connection_string_env"] = "P4FLOW_BENCH_POSTGRES",
                ["P4FLOW_BENCH_POSTGRES"] = _connection,
                ["P4FLOW_cluster__node_name"] = name,
                ["P4FLOW_cluster__node_lease"] = _lease.ToString(CultureInfo.InvariantCulture),
                ["P4FLOW_resources__max_concurrent_jobs"] = "50",
            };
            var process = OrchestratorProcess.Start(home, httpPort, environment);
            await process.WaitReadyAsync();
            return new Node(name, hubPort, httpPort, process);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var agent in Agents) await agent.DisposeAsync();
            foreach (var node in Nodes) await node.Process.DisposeAsync();
            await _postgres.DisposeAsync();
            foreach (var home in _homes)
            {
                try
                {
                    Directory.Delete(home, recursive: true);
                }
                catch (IOException)
                {
                    // Left in the temp folder.
                }
            }
        }
    }
}
