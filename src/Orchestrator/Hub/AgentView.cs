namespace P4Flow.Orchestrator.Hub;

/// <summary>One agent as GET /api/agents shows it.</summary>
public sealed record AgentView(
    string Id,
    string State,
    string Hostname,
    string Address,
    IReadOnlyList<string> Capabilities,
    IReadOnlyList<string> Labels,
    int Load,
    int MaxConcurrent,
    DateTimeOffset? ConnectedSince,
    DateTimeOffset? LastActive,
    long CommandsSent,
    long BytesSent,
    long BytesReceived,
    int CommandsInFlight,
    int CommandsWaiting,
    int Jobs,
    string AgentVersion,
    string ProtocolVersion,
    /// <summary>closed, open (no new job until CircuitOpenUntil) or half-open (agents.circuit_breaker).</summary>
    string Circuit = AgentCircuitBreakers.Closed,
    DateTimeOffset? CircuitOpenUntil = null,
    /// <summary>An admin drained it: no new job goes to it; the jobs it has run to their end.</summary>
    bool Draining = false,
    /// <summary>Jobs placed here at once (its max_jobs; 0: no limit), and its capacity (0: no limit).</summary>
    int MaxJobs = 0,
    double CpuCores = 0,
    double MemoryGb = 0,
    /// <summary>Its jobs that are working (not parked for a person), and what they declared they need.</summary>
    int JobsWorking = 0,
    double CpuCoresUsed = 0,
    double MemoryGbUsed = 0,
    /// <summary>In a cluster, the node the agent is connected to (its id); null on one node.</summary>
    string? Node = null);
