namespace P4Flow.Cluster;

/// <summary>
/// One orchestrator of the cluster: it renews its lease while it lives; a node whose lease ran out is marked down by
/// the first survivor that sees it (<see cref="DownAt"/>, <see cref="TakenBy"/>), which takes over its work.
/// </summary>
public sealed class ClusterNodeRow
{
    public string Id { get; set; } = "";
    /// <summary>Where its hub listens for agents (host:port), as it announced itself.</summary>
    public string HubAddress { get; set; } = "";
    public string Hostname { get; set; } = "";
    public int Pid { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime HeartbeatAt { get; set; }
    public DateTime LeaseUntil { get; set; }
    public DateTime? DownAt { get; set; }
    public string? TakenBy { get; set; }
    /// <summary>Its admission as its GET /api/admission shows it (JSON), rewritten every few seconds: every node lists every node's queue.</summary>
    public string? Admission { get; set; }
}

/// <summary>
/// An agent as the node it is connected to sees it (presence): every node places jobs on any healthy agent of the
/// cluster from these rows. Rewritten by that node every few seconds; a row whose node went down is removed.
/// </summary>
public sealed class ClusterAgentRow
{
    public string AgentId { get; set; } = "";
    public string NodeId { get; set; } = "";
    public bool Healthy { get; set; }
    public bool Draining { get; set; }
    /// <summary>JSON arrays of strings.</summary>
    public string Capabilities { get; set; } = "[]";
    public string Labels { get; set; } = "[]";
    public double Load { get; set; }
    public int MaxJobs { get; set; }
    public double CpuCores { get; set; }
    public double MemoryGb { get; set; }
    /// <summary>The agent as its node's GET /api/agents shows it (JSON): every node lists the whole cluster's agents.</summary>
    public string View { get; set; } = "{}";
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Which agent a job runs on (chosen once, by whichever node placed it); parked jobs hold no slot.</summary>
public sealed class HubAssignmentRow
{
    public string JobId { get; set; } = "";
    public string AgentId { get; set; } = "";
    public bool Parked { get; set; }
    /// <summary>What the job declared it needs (its <c>resources</c>): every node counts it against the agent's capacity.</summary>
    public double CpuCores { get; set; }
    public double MemoryGb { get; set; }
}

/// <summary>
/// A command sent to an agent and not yet answered, by its number on that agent: the node an agent connects to
/// reads its rows and has it answer them (from its result cache when it ran them), so a command is never run twice
/// whichever node the agent was on. A command with a secret input (a p4 login) keeps no body: only its number.
/// </summary>
public sealed class HubCommandRow
{
    public string AgentId { get; set; } = "";
    public long CmdId { get; set; }
    public string JobId { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    /// <summary>The signed command as protobuf bytes; null for a secret one.</summary>
    public byte[]? Command { get; set; }
    public DateTime SentAt { get; set; }
}

/// <summary>The hub's memory of one agent across nodes: the last command number given, and whether an admin drained it.</summary>
public sealed class HubAgentStateRow
{
    public string AgentId { get; set; } = "";
    public long LastCmdId { get; set; }
    public bool Draining { get; set; }
}

/// <summary>
/// A node asks the node an agent is connected to to run a command there (<see cref="Kind"/> run), or to tell the agent
/// a job ended (release). The serving node writes the answer in the row; a node that dies serving it leaves it to the
/// node the agent reconnects to, which matches the command in flight by its fingerprint.
/// </summary>
public sealed class HubRequestRow
{
    public const string Run = "run";
    public const string Release = "release";

    public long Id { get; set; }
    public string Kind { get; set; } = Run;
    public string JobId { get; set; } = "";
    public string AgentId { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    /// <summary>The request as JSON; a secret input is sealed (only nodes with the hub's signing key open it).</summary>
    public string Body { get; set; } = "";
    public string Origin { get; set; } = "";
    public string? ServedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The agent's CommandResult as protobuf bytes, once answered.</summary>
    public byte[]? Result { get; set; }
    public string? Error { get; set; }
    public string? ErrorClass { get; set; }
    public DateTime? DoneAt { get; set; }
    /// <summary>The asking node stopped waiting: a command nobody else waits for is cancelled on the agent.</summary>
    public bool Cancelled { get; set; }
}

/// <summary>
/// One line of the audit log as every node of the cluster wrote it: GET /api/audit on any node reads the whole
/// cluster's. Each node still writes its own logs/audit.jsonl (the record that stays when the database is away).
/// </summary>
public sealed class AuditEventRow
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string EventType { get; set; } = "";
    /// <summary>Who acted (the line's user).</summary>
    public string? UserName { get; set; }
    public string? AgentId { get; set; }
    /// <summary>The node that wrote it.</summary>
    public string Node { get; set; } = "";
    /// <summary>The line as the file has it (JSON).</summary>
    public string Line { get; set; } = "";
}
