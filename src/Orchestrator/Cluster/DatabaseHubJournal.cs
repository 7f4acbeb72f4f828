using Google.Protobuf;
using P4Flow.Orchestrator.Admission;
using P4Flow.Orchestrator.Hub;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// The hub's journal in the cluster's database, by agent rather than by node: the node an agent connects to reads what
/// any node sent it (<see cref="Load"/>) and has it answer those commands, by number, from its result cache when they
/// ran. Written through, statement by statement, as the registry makes each change (a command takes far longer than
/// its row). What other nodes drain is read again with the presence (<see cref="RefreshDraining"/>).
/// </summary>
public sealed partial class DatabaseHubJournal(ClusterNode node, ILogger<DatabaseHubJournal> logger) : IHubJournal
{
    private static readonly Dictionary<string, long> NoCounters = [];
    private static readonly Dictionary<string, string> NoAssignments = [];
    // Read first with the presence, once the schema is there (the journal is made before the start's migrations ran).
    private volatile HashSet<string> _draining = [];

    public IReadOnlyDictionary<string, long> Counters => NoCounters;
    public IReadOnlyDictionary<string, string> Assignments => NoAssignments;
    public IReadOnlySet<string> Draining => _draining;
    public IReadOnlyList<JournaledCommand> InFlight() => [];

    public AgentMemory Load(string agentId)
    {
        long last = 0;
        using (var counter = node.Command("SELECT last_cmd_id FROM hub_agent_state WHERE agent_id = @a", ("a", agentId)))
            if (counter.ExecuteScalar() is long value) last = value;
        var inFlight = new List<JournaledCommand>();
        using (var commands = node.Command("SELECT job_id, fingerprint, command FROM hub_commands WHERE agent_id = @a AND command IS NOT NULL ORDER BY cmd_id", ("a", agentId)))
        using (var reader = commands.ExecuteReader())
            while (reader.Read()) inFlight.Add(new JournaledCommand(agentId, reader.GetString(0), reader.GetString(1), Command.Parser.ParseFrom((byte[])reader[2])));
        var jobs = new Dictionary<string, bool>(StringComparer.Ordinal);
        using (var assigned = node.Command("SELECT job_id, parked FROM hub_assignments WHERE agent_id = @a", ("a", agentId)))
        using (var reader = assigned.ExecuteReader())
            while (reader.Read()) jobs[reader.GetString(0)] = reader.GetBoolean(1);
        return new AgentMemory(Math.Max(last, inFlight.Count == 0 ? 0 : inFlight.Max(c => c.Command.CmdId)), inFlight, jobs, Whole: true);
    }

    /// <summary>Taken in the database, so two hubs that both think they have the agent never give one number twice.</summary>
    public long NextCmdId(string agentId, long last)
    {
        using var command = node.Command("""
            INSERT INTO hub_agent_state (agent_id, last_cmd_id, draining) VALUES (@a, @next, false)
            ON CONFLICT (agent_id) DO UPDATE SET last_cmd_id = GREATEST(hub_agent_state.last_cmd_id + 1, EXCLUDED.last_cmd_id)
            RETURNING last_cmd_id
            """, ("a", agentId), ("next", last + 1));
        return (long)command.ExecuteScalar()!;
    }

    public void Sent(string agentId, string jobId, string fingerprint, Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        node.Execute("""
            INSERT INTO hub_commands (agent_id, cmd_id, job_id, fingerprint, command, sent_at) VALUES (@a, @id, @job, @fp, @pb, now())
            """, ("a", agentId), ("id", command.CmdId), ("job", jobId), ("fp", fingerprint), ("pb", command.ToByteArray()));
    }

    /// <summary>A command with a secret input keeps only its number: after its node dies nobody waits for it, and the job logs in again.</summary>
    public void SentSecret(string agentId, long cmdId) => node.Execute("""
        INSERT INTO hub_agent_state (agent_id, last_cmd_id, draining) VALUES (@a, @id, false)
        ON CONFLICT (agent_id) DO UPDATE SET last_cmd_id = GREATEST(hub_agent_state.last_cmd_id, EXCLUDED.last_cmd_id)
        """, ("a", agentId), ("id", cmdId));

    /// <summary>A row left by a failed delete costs little: the agent is asked for that command again and answers from its cache.</summary>
    public void Done(string agentId, long cmdId)
    {
        try
        {
            node.Execute("DELETE FROM hub_commands WHERE agent_id = @a AND cmd_id = @id", ("a", agentId), ("id", cmdId));
        }
        catch (Npgsql.NpgsqlException ex)
        {
            LogNotForgotten(logger, agentId, cmdId, ex.Message);
        }
    }

    /// <summary>The first node to place a job wins; a later placement of it learns the agent it is on.</summary>
    public string Assigned(string jobId, string agentId, JobDemand demand)
    {
        using var command = node.Command("""
            WITH placed AS (INSERT INTO hub_assignments (job_id, agent_id, parked, cpu_cores, memory_gb) VALUES (@job, @a, false, @cpu, @mem)
                            ON CONFLICT (job_id) DO NOTHING RETURNING agent_id)
            SELECT agent_id FROM placed UNION ALL SELECT agent_id FROM hub_assignments WHERE job_id = @job LIMIT 1
            """, ("job", jobId), ("a", agentId), ("cpu", demand.CpuCores), ("mem", demand.MemoryGb));
        return command.ExecuteScalar() as string ?? agentId;
    }

    /// <summary>Never throws (a job's end must not fail for it): a row left behind is removed when the cluster sweeps ended jobs' placements.</summary>
    public void Released(string jobId)
    {
        try
        {
            node.Execute("DELETE FROM hub_assignments WHERE job_id = @job", ("job", jobId));
        }
        catch (Npgsql.NpgsqlException ex)
        {
            LogNotReleased(logger, jobId, ex.Message);
        }
    }

    public void Drain(string agentId, bool draining)
    {
        node.Execute("""
            INSERT INTO hub_agent_state (agent_id, last_cmd_id, draining) VALUES (@a, 0, @d)
            ON CONFLICT (agent_id) DO UPDATE SET draining = EXCLUDED.draining
            """, ("a", agentId), ("d", draining));
        var next = new HashSet<string>(_draining, StringComparer.Ordinal);
        if (draining) next.Add(agentId);
        else next.Remove(agentId);
        _draining = next;
    }

    /// <summary>The agents drained on any node, read again.</summary>
    public void RefreshDraining() => _draining = Drained(node);

    private static HashSet<string> Drained(ClusterNode node)
    {
        var drained = new HashSet<string>(StringComparer.Ordinal);
        using var command = node.Command("SELECT agent_id FROM hub_agent_state WHERE draining");
        using var reader = command.ExecuteReader();
        while (reader.Read()) drained.Add(reader.GetString(0));
        return drained;
    }

    [LoggerMessage(2025, LogLevel.Warning, "Cmd {CmdId} of agent {AgentId} is answered, but its row stays in the journal ({Reason}): the agent will be asked for it again")]
    private static partial void LogNotForgotten(ILogger logger, string agentId, long cmdId, string reason);

    [LoggerMessage(2026, LogLevel.Warning, "Job {JobId} ended, but its placement stays in the journal ({Reason}) until the next sweep")]
    private static partial void LogNotReleased(ILogger logger, string jobId, string reason);
}
