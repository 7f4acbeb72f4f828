using System.Globalization;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Tests.Cluster;

/// <summary>
/// Orchestrator processes as nodes of one cluster: one PostgreSQL database (a real server in a temporary folder), one
/// CA, hub certificate, command key, whitelist and JWT secret (copied from the first node's home), each node on its own
/// ports and home. Agents trust every node and may list several (server.hubs).
/// </summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    private readonly List<string> _homes = [];
    private readonly Dictionary<string, string> _settings;

    private ClusterNodes(LocalPostgres postgres, string connection, IEnumerable<(string Key, string Value)> settings)
    {
        Postgres = postgres;
        Connection = connection;
        _settings = settings.ToDictionary(s => s.Key, s => s.Value);
    }

    public LocalPostgres Postgres { get; }
    public string Connection { get; }
    public List<Node> Nodes { get; } = [];
    public List<AgentProcess> Agents { get; } = [];
    /// <summary>The first node's home: where the shared certificates and the agents' folders are.</summary>
    public string FirstHome => _homes[0];

    public sealed record Node(string Name, string Home, int HubPort, int MetricsPort, OrchestratorProcess Process)
    {
        public string Hub => "127.0.0.1:" + HubPort.ToString(CultureInfo.InvariantCulture);

        /// <summary>What its Prometheus endpoint says now.</summary>
        public async Task<string> ScrapeAsync()
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{MetricsPort.ToString(CultureInfo.InvariantCulture)}") };
            return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }
    }

    public static async Task<ClusterNodes> StartAsync(int nodes, IEnumerable<string> agents, params (string Key, string Value)[] settings)
    {
        var postgres = await LocalPostgres.StartAsync();
        var cluster = new ClusterNodes(postgres, await postgres.CreateDatabaseAsync("p4flow"), settings);
        try
        {
            var (first, _) = AgentPipelineTests.PrepareHome(agents.First());
            cluster._homes.Add(first);
            foreach (var agent in agents.Skip(1)) HubCertificates.IssueAgent(HubHost.Folder(first), agent);
            File.WriteAllText(Path.Combine(first, "config", "agent_whitelist.yaml"), HubHost.Whitelist([.. agents.Select(a => (a, "127.0.0.0/8"))]));
            for (var i = 0; i < nodes; i++) await cluster.StartNodeAsync(((char)('a' + i)).ToString());
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts a node in a home of its own sharing the first one's certificates and credentials, and waits until it is ready.</summary>
    public async Task<Node> StartNodeAsync(string name)
    {
        string home;
        if (Nodes.Count == 0 && _homes.Count == 1) home = _homes[0];
        else
        {
            home = OrchestratorProcess.CreateHome();
            _homes.Add(home);
            var certs = Path.GetDirectoryName(HubHost.Folder(FirstHome).CaFile)!;
            foreach (var cert in Directory.GetFiles(certs, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(home, Path.GetRelativePath(FirstHome, cert));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(cert, copy, overwrite: true);
            }
            File.Copy(Path.Combine(FirstHome, "config", "agent_whitelist.yaml"), Path.Combine(home, "config", "agent_whitelist.yaml"), overwrite: true);
            // The credentials are in the database: the first node's admin key signs in on every node.
            Directory.CreateDirectory(Path.Combine(home, "data"));
            File.Copy(Path.Combine(FirstHome, "data", "admin-api-key"), Path.Combine(home, "data", "admin-api-key"), overwrite: true);
        }
        var file = Path.Combine(home, "config", "postgres.conn");
        File.WriteAllText(file, Connection + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var hubPort = Loopback.FreePort();
        var metricsPort = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "agents",
            [P4Flow.Protocol.Security.CommandToken.SecretVariable] = HubHost.JwtSecret,
            ["P4FLOW_server__port"] = hubPort.ToString(CultureInfo.InvariantCulture),
            ["P4FLOW_monitoring__metrics_port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_state_management__type"] = "postgresql",
            ["P4FLOW_state_management__postgresql__connection_string_file"] = file,
            ["P4FLOW_cluster__node_name"] = name,
            // Short, so a killed node is taken over within seconds; long enough for a busy machine (renewals every 1.7 s, held 6.7 s).
            ["P4FLOW_cluster__node_lease"] = "10",
        };
        foreach (var (key, value) in _settings) environment[key] = value;
        var process = OrchestratorProcess.Start(home, environment: environment);
        var node = new Node(name, home, hubPort, metricsPort, process);
        Nodes.Add(node);
        await process.WaitReadyAsync();
        return node;
    }

    /// <summary>An agent that tries the given nodes' hubs in turn.</summary>
    public AgentProcess StartAgent(string name, params Node[] hubs) => StartAgent(name, new Dictionary<string, string>(), hubs);

    /// <summary>An agent with settings of its own (agent.yaml keys, e.g. agent__cpu_cores) that tries the given nodes' hubs in turn.</summary>
    public AgentProcess StartAgent(string name, IReadOnlyDictionary<string, string> settings, params Node[] hubs)
    {
        // Every command it runs is logged (Debug), so a test can count them.
        var environment = new Dictionary<string, string>(settings) { ["Logging__LogLevel__P4Flow"] = "Debug" };
        foreach (var (hub, i) in hubs.Select((h, i) => (h, i))) environment[$"P4FLOW_AGENT_server__hubs__{i}"] = hub.Hub;
        var agent = AgentProcess.Start(FirstHome, hubs[0].HubPort, name, environment: environment);
        Agents.Add(agent);
        return agent;
    }

    public string Outputs() => string.Join("\n", Nodes.Select(n => $"--- node {n.Name} ---\n{n.Process.Output}").Concat(Agents.Select(a => $"--- agent {a.Name} ---\n{a.Output}")));

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in Agents) await agent.DisposeAsync();
        foreach (var node in Nodes) await node.Process.DisposeAsync();
        await Postgres.DisposeAsync();
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
