using P4Flow.Orchestrator.Admission;

namespace P4Flow.Orchestrator.Hub;

/// <summary>
/// The rest of the cluster as the hub's registry sees it: agents connected to other nodes (their presence), the jobs
/// placed on them, and the way to reach them. Absent on one node (SQLite); <see cref="Cluster.ClusterHub"/> on PostgreSQL.
/// </summary>
public interface IAgentCluster
{
    /// <summary>This node's id in the cluster.</summary>
    string NodeId { get; }

    /// <summary>This node lost its lease: it must send no command while it stops.</summary>
    bool Fenced { get; }

    /// <summary>The live node the agent is connected to, when it is another one; null when it is here or nowhere.</summary>
    string? NodeOf(string agentId);

    /// <summary>The agent the job was placed on by any node; null when it has none.</summary>
    string? AssignmentOf(string jobId);

    /// <summary>Places the job on the best agent of another node that meets its requirements and has a free slot and room for its demand; null when none does.</summary>
    string? TryAssignElsewhere(string jobId, AgentRequirements requirements, JobDemand demand);

    /// <summary>
    /// The jobs placed on this node's agent that work and are not this node's own (<paramref name="own"/>), and what
    /// they declared they need, as the database said at the last look: the agent's capacity is the cluster's.
    /// </summary>
    (int Jobs, JobDemand Demand) PlacedByOthers(string agentId, Func<string, bool> own);

    /// <summary>The job's placement was just removed from the database: it no longer counts on its agent, before the next look.</summary>
    void Forget(string jobId);

    /// <summary>What a job another node placed on this node's agent declared it needs; none when not known (yet).</summary>
    JobDemand DemandOf(string jobId, string agentId);

    /// <summary>The agents connected to the other live nodes, as those nodes list them, with the node each is on.</summary>
    IReadOnlyList<AgentView> AgentsElsewhere();

    /// <summary>Whether an agent of another node could take a job with these requirements (full or not).</summary>
    bool AnyCandidateElsewhere(AgentRequirements requirements);

    void Park(string jobId, bool parked);

    /// <summary>Has the agent's node end the job there (cancel what it still runs, tell the agent its folder can go).</summary>
    void ReleaseElsewhere(string agentId, string jobId, string reason, bool succeeded);
}
