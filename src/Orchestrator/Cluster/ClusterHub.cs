using System.Text.Json;
using P4Flow.Orchestrator.Admission;
using P4Flow.Orchestrator.Hub;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// An agent connected to another node, as its presence row says: its capacity (max_jobs, cpu_cores, memory_gb; 0: no
/// limit), and the jobs every node placed on it that work (not parked) with what they declared they need.
/// </summary>
public sealed record RemoteAgent(string AgentId, string NodeId, bool Healthy, bool Draining, IReadOnlyList<string> Capabilities, IReadOnlyList<string> Labels,
    double Load, int MaxJobs, double CpuCores, double MemoryGb, int Working, JobDemand Used, AgentView? View)
{
    public bool HasRoomFor(JobDemand demand) => (MaxJobs <= 0 || Working < MaxJobs) && demand.FitsBeside(Used, CpuCores, MemoryGb);
}

/// <summary>
/// The hub's view of the rest of the cluster. Every <see cref="PublishEvery"/> (and at once when an agent connects or
/// leaves) it writes this node's agents to cluster_agents and reads the other nodes' back: placement picks from both,
/// and a job whose agent is on another node has its commands routed there (<see cref="HubRequests"/>). Presence of a
/// node that went down is removed by the node that takes it over, so its agents are placed again where they reconnect.
/// </summary>
public sealed partial class ClusterHub(ClusterNode node, AgentRegistry registry, DatabaseHubJournal journal, HubRequests requests, ILogger<ClusterHub> logger)
    : BackgroundService, IAgentCluster, INodeTakeover
{
    public static readonly TimeSpan PublishEvery = TimeSpan.FromSeconds(2);
    /// <summary>A presence row older than this is not believed (its node stopped writing without being marked down yet).</summary>
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions ViewJson = new(JsonSerializerDefaults.Web);
    private volatile IReadOnlyList<RemoteAgent> _remote = [];
    // The working jobs other nodes placed on this node's agents, by agent then job: counted against their capacity here
    // before the first of their commands arrives.
    private volatile Dictionary<string, Dictionary<string, JobDemand>> _placedHere = [];
    // Jobs this node released since the last read began (their rows are gone; the cache still has them).
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);

    /// <summary>Made once, at the host's start: from then on the registry places on and finds the other nodes' agents.</summary>
    public ClusterHub Attached()
    {
        registry.Attach(this);
        return this;
    }

    public IReadOnlyList<RemoteAgent> Remote => _remote;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = registry.Changed;
            try
            {
                await PublishAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogUnreachable(logger, ex.Message);
            }
            await Task.WhenAny(changed, Task.Delay(PublishEvery, stoppingToken)).ConfigureAwait(false);
        }
    }

    /// <summary>This node's connected agents out, the others' in, and what is placed on this node's agents.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var here = registry.Snapshot().Where(a => a.ConnectedSince is not null).ToList();
        foreach (var agent in here)
        {
            await node.ExecuteAsync("""
                INSERT INTO cluster_agents (agent_id, node_id, healthy, draining, capabilities, labels, load, max_jobs, cpu_cores, memory_gb, view, updated_at)
                VALUES (@a, @n, @h, @d, @c, @l, @load, @max, @cpu, @mem, @view, now())
                ON CONFLICT (agent_id) DO UPDATE SET node_id = EXCLUDED.node_id, healthy = EXCLUDED.healthy, draining = EXCLUDED.draining, capabilities = EXCLUDED.capabilities,
                    labels = EXCLUDED.labels, load = EXCLUDED.load, max_jobs = EXCLUDED.max_jobs, cpu_cores = EXCLUDED.cpu_cores, memory_gb = EXCLUDED.memory_gb,
                    view = EXCLUDED.view, updated_at = now()
                """, cancellationToken, ("a", agent.Id), ("n", node.Id), ("h", agent.State == "HEALTHY"), ("d", agent.Draining),
                ("c", JsonSerializer.Serialize(agent.Capabilities)), ("l", JsonSerializer.Serialize(agent.Labels)), ("load", (double)agent.Load),
                ("max", agent.MaxJobs), ("cpu", agent.CpuCores), ("mem", agent.MemoryGb),
                ("view", JsonSerializer.Serialize(agent with { Node = node.Id }, ViewJson))).ConfigureAwait(false);
        }
        await node.ExecuteAsync("DELETE FROM cluster_agents WHERE node_id = @n AND NOT (agent_id = ANY(@here))", cancellationToken,
            ("n", node.Id), ("here", here.Select(a => a.Id).ToArray())).ConfigureAwait(false);

        var remote = new List<RemoteAgent>();
        await using (var command = node.Command("""
            SELECT a.agent_id, a.node_id, a.healthy, a.draining, a.capabilities, a.labels, a.load, a.max_jobs, a.cpu_cores, a.memory_gb, a.view,
                   count(h.job_id), coalesce(sum(h.cpu_cores), 0), coalesce(sum(h.memory_gb), 0)
            FROM cluster_agents a JOIN cluster_nodes n ON n.id = a.node_id AND n.down_at IS NULL
            LEFT JOIN hub_assignments h ON h.agent_id = a.agent_id AND NOT h.parked
            WHERE a.node_id <> @n AND a.updated_at > now() - @stale
            GROUP BY a.agent_id
            """, ("n", node.Id), ("stale", Stale)))
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                remote.Add(new RemoteAgent(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3),
                    JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [], JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [],
                    reader.GetDouble(6), reader.GetInt32(7), reader.GetDouble(8), reader.GetDouble(9), (int)reader.GetInt64(11),
                    new JobDemand(reader.GetDouble(12), reader.GetDouble(13)), ViewOf(reader.GetString(10))));
            }
        }
        var placedHere = new Dictionary<string, Dictionary<string, JobDemand>>(StringComparer.Ordinal);
        // Released before this read began: the read no longer sees them.
        string[] releasedBefore;
        lock (_released) releasedBefore = [.. _released];
        await using (var command = node.Command("SELECT agent_id, job_id, cpu_cores, memory_gb FROM hub_assignments WHERE NOT parked AND agent_id = ANY(@here)",
            ("here", here.Select(a => a.Id).ToArray())))
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (!placedHere.TryGetValue(reader.GetString(0), out var jobs)) placedHere[reader.GetString(0)] = jobs = new(StringComparer.Ordinal);
                jobs[reader.GetString(1)] = new JobDemand(reader.GetDouble(2), reader.GetDouble(3));
            }
        }
        _remote = remote;
        _placedHere = placedHere;
        lock (_released) _released.ExceptWith(releasedBefore);
        journal.RefreshDraining();
        // Requests for this node's agents that nobody serves (their node went, or they just connected here).
        requests.Wake();
    }

    /// <summary>A view written by an older node (or none) lists the agent from its presence columns alone.</summary>
    private static AgentView? ViewOf(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<AgentView>(json, ViewJson) is { Id.Length: > 0 } view ? view : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool Fenced => node.Fenced;

    public string NodeId => node.Id;

    public string? NodeOf(string agentId) => _remote.FirstOrDefault(a => a.AgentId == agentId)?.NodeId;

    public string? AssignmentOf(string jobId)
    {
        using var command = node.Command("SELECT agent_id FROM hub_assignments WHERE job_id = @j", ("j", jobId));
        return command.ExecuteScalar() as string;
    }

    public string? TryAssignElsewhere(string jobId, AgentRequirements requirements, JobDemand demand)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var best = _remote.Where(a => Candidate(a, requirements) && a.HasRoomFor(demand))
            .OrderBy(a => a.Working).ThenBy(a => a.Load).FirstOrDefault();
        if (best is null) return null;
        // The first node to place the job wins; a second placement of the same job gets the first one's agent.
        node.Execute("INSERT INTO hub_assignments (job_id, agent_id, parked, cpu_cores, memory_gb) VALUES (@j, @a, false, @cpu, @mem) ON CONFLICT (job_id) DO NOTHING",
            ("j", jobId), ("a", best.AgentId), ("cpu", demand.CpuCores), ("mem", demand.MemoryGb));
        var placed = AssignmentOf(jobId) ?? best.AgentId;
        // Counted at once, so the jobs placed before the next read spread over the agents.
        _remote = [.. _remote.Select(a => a.AgentId == placed ? a with { Working = a.Working + 1, Used = a.Used + demand } : a)];
        LogPlacedElsewhere(logger, jobId, placed, best.NodeId);
        return placed;
    }

    public (int Jobs, JobDemand Demand) PlacedByOthers(string agentId, Func<string, bool> own)
    {
        ArgumentNullException.ThrowIfNull(own);
        if (!_placedHere.TryGetValue(agentId, out var placed)) return (0, JobDemand.None);
        List<KeyValuePair<string, JobDemand>> others;
        lock (_released) others = [.. placed.Where(j => !own(j.Key) && !_released.Contains(j.Key))];
        return (others.Count, others.Aggregate(JobDemand.None, (sum, j) => sum + j.Value));
    }

    public void Forget(string jobId)
    {
        lock (_released) _released.Add(jobId);
    }

    public JobDemand DemandOf(string jobId, string agentId) =>
        _placedHere.TryGetValue(agentId, out var placed) && placed.TryGetValue(jobId, out var demand) ? demand : JobDemand.None;

    public IReadOnlyList<AgentView> AgentsElsewhere() => [.. _remote.Select(a => (a.View ?? new AgentView(a.AgentId, a.Healthy ? "HEALTHY" : "UNKNOWN", "", "",
        a.Capabilities, a.Labels, (int)a.Load, 0, null, null, 0, 0, 0, 0, 0, a.Working, "", "", MaxJobs: a.MaxJobs, CpuCores: a.CpuCores, MemoryGb: a.MemoryGb))
        // What every node placed on it, from the database, rather than what its own node knows of.
        with { JobsWorking = a.Working, CpuCoresUsed = a.Used.CpuCores, MemoryGbUsed = a.Used.MemoryGb, Node = a.NodeId })];

    public bool AnyCandidateElsewhere(AgentRequirements requirements) => _remote.Any(a => Candidate(a, requirements));

    public void Park(string jobId, bool parked) => node.Execute("UPDATE hub_assignments SET parked = @p WHERE job_id = @j", ("j", jobId), ("p", parked));

    public void ReleaseElsewhere(string agentId, string jobId, string reason, bool succeeded) => requests.Release(agentId, jobId, reason, succeeded);

    /// <summary>The node's agents are no longer there: placement stops seeing them until they connect to a node that is.</summary>
    public async Task TakeOverAsync(string nodeId, bool clean, CancellationToken cancellationToken)
    {
        await node.ExecuteAsync("DELETE FROM cluster_agents WHERE node_id = @n", cancellationToken, ("n", nodeId)).ConfigureAwait(false);
        // What it served is served again by the node each agent connects to next, matched to the command in flight.
        await node.ExecuteAsync("UPDATE hub_requests SET served_by = NULL WHERE served_by = @n AND done_at IS NULL", cancellationToken, ("n", nodeId)).ConfigureAwait(false);
        _remote = [.. _remote.Where(a => a.NodeId != nodeId)];
    }

    private static bool Candidate(RemoteAgent agent, AgentRequirements requirements) =>
        agent.Healthy && !agent.Draining && requirements.MetBy(agent.Capabilities, agent.Labels);

    [LoggerMessage(2020, LogLevel.Warning, "The cluster's database cannot be reached to share this node's agents: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(2021, LogLevel.Information, "Job {JobId} placed on agent {AgentId}, connected to node {NodeId}")]
    private static partial void LogPlacedElsewhere(ILogger logger, string jobId, string agentId, string nodeId);
}
