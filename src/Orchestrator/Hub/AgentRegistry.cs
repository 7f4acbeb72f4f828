using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>
/// The agent pool: who is connected, what each has in flight, which job runs on which agent. One lock guards it
/// all; every method is short. Commands keep their order per agent because they are written to the session's
/// outbox under that lock. Admission and placement are decided here; building and signing commands
/// (<see cref="AgentCommands"/>), results nobody waited for (<see cref="OrphanedResults"/>) and the audit lines
/// (<see cref="AgentPoolAudit"/>) are the work of collaborators it calls under the same lock.
/// </summary>
public sealed partial class AgentRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AgentRecord> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _jobAgents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _parked = new(StringComparer.Ordinal);
    private readonly OrphanedResults _orphans;
    private readonly IHubJournal _journal;
    private readonly AgentPoolAudit _audit;
    private readonly AgentCommands _commands;
    private readonly TimeProvider _clock;
    private readonly IOptions<ResourcesOptions> _resources;
    private readonly ILogger<AgentRegistry> _logger;
    private readonly AgentCircuitBreakers? _circuits;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IAgentCluster? _cluster;

    public static readonly TimeSpan EvictedRetryAfter = TimeSpan.FromSeconds(60);

    public AgentRegistry(IHubJournal journal, AuditLog audit, TimeProvider clock, IOptions<ResourcesOptions> resources, ILogger<AgentRegistry> logger, CommandSigner? signer = null, AgentCircuitBreakers? circuits = null)
    {
        _commands = new AgentCommands(signer);
        _orphans = new OrphanedResults(clock);
        _circuits = circuits;
        _journal = journal;
        _audit = new AgentPoolAudit(audit);
        _clock = clock;
        _resources = resources;
        _logger = logger;
        var now = clock.GetUtcNow();
        foreach (var (agent, last) in journal.Counters) Record(agent).LastCmdId = last;
        foreach (var (job, agent) in journal.Assignments)
        {
            _jobAgents[job] = agent;
            var record = Record(agent);
            record.Jobs[job] = Admission.JobDemand.None;
            record.GoneSince ??= now;
        }
        foreach (var restored in journal.InFlight())
        {
            var record = Record(restored.AgentId);
            record.InFlight[restored.Command.CmdId] = new PendingCommand(restored.AgentId, restored.JobId, restored.Fingerprint, restored.Command) { Written = true };
            record.GoneSince ??= now;
        }
    }

    /// <summary>The other nodes of a cluster: their agents take jobs too, and jobs placed on them are found there.</summary>
    public void Attach(IAgentCluster cluster) => _cluster = cluster;

    /// <summary>The cluster this registry is part of; null on one node.</summary>
    public IAgentCluster? Cluster => _cluster;

    /// <summary>Told of every chunk of output an agent streams (tests, live views).</summary>
    public event Action<string, CommandOutput>? OutputReceived;

    public int ConnectedCount
    {
        get { lock (_lock) return _agents.Values.Count(a => a.Session is not null); }
    }

    /// <summary>Completes at the next change of the pool (a connect, a disconnect, a health change, a job released).</summary>
    public Task Changed
    {
        get { lock (_lock) return _changed.Task; }
    }

    /// <summary>
    /// Admits a session after its Hello: replaces an older session of the same agent, makes room in a full pool by
    /// evicting the least recently active idle agent, answers SyncOk or SyncRequired, then sends what waited.
    /// </summary>
    /// <exception cref="RpcException">ResourceExhausted: the pool is full and no agent can be evicted. AlreadyExists: the
    /// agent's identity has a session that still answers its pings (a second process with the same identity).</exception>
    public void Admit(AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var hello = session.Hello;
        AgentSession? replaced = null, evicted = null;
        // In a cluster, what any node sent this agent and placed on it (read before the lock: it is a query).
        var memory = _journal.Load(hello.AgentId);
        lock (_lock)
        {
            var record = Record(hello.AgentId);
            if (record.Session is null)
            {
                var max = _resources.Value.MaxAgents;
                var connected = _agents.Values.Where(a => a.Session is not null).ToList();
                if (connected.Count >= max)
                {
                    var idle = connected.Where(a => a.InFlight.Count == 0 && a.Unsent.Count == 0).MinBy(a => a.LastActive);
                    if (idle is null)
                    {
                        var reason = $"the pool is full (resources.max_agents = {max}) and every agent has commands in flight";
                        _audit.Refused(hello, session, reason);
                        throw new RpcException(new Status(StatusCode.ResourceExhausted, reason));
                    }
                    evicted = idle.Session;
                    Detach(idle, "evicted to make room");
                    _audit.Evicted(idle, evicted!, max, hello.AgentId);
                }
            }
            else if (record.Session.State == AgentState.Healthy && record.Session.MissedPongs == 0)
            {
                // Two processes with one identity would take the session from each other at every reconnect, and share
                // one result cache and nonce store: the one that is live and answering keeps it.
                var reason = $"agent {hello.AgentId} is already connected (since {record.ConnectedSince:O}) and answers its pings: one session per agent identity";
                _audit.Refused(hello, session, reason);
                throw new RpcException(new Status(StatusCode.AlreadyExists, reason));
            }
            else
            {
                // The old session stopped answering: this connection is the agent come back (a restart, a new network path).
                replaced = record.Session;
                record.Session = null;
                _audit.Replaced(record, replaced, replaced.MissedPongs);
            }

            var now = _clock.GetUtcNow();
            record.Session = session;
            record.GoneSince = null;
            record.ConnectedSince = session.ConnectedAt;
            record.LastActive = now;
            record.Capabilities = [.. hello.Capabilities];
            record.Labels = [.. hello.Labels];
            record.Load = hello.Load;
            record.MaxConcurrent = hello.MaxConcurrent;
            record.MaxJobs = hello.MaxJobs;
            record.CpuCores = Capacity(hello.CpuCores, Admission.JobDemand.MaxCpuCores);
            record.MemoryGb = Capacity(hello.MemoryGb, Admission.JobDemand.MaxMemoryGb);
            record.Hostname = hello.Hostname;
            record.Address = session.Address.ToString();
            record.AgentVersion = hello.AgentVersion;
            record.ProtocolVersion = hello.Version;
            record.LastCmdId = Math.Max(record.LastCmdId, hello.LastCmdId);
            RememberLocked(record, memory);

            var pending = record.InFlight.Values.OrderBy(p => p.CmdId).Select(p => p.Command).ToList();
            if (pending.Count == 0) session.TrySend(new HubMessage { SyncOk = new SyncOk() });
            else
            {
                var sync = new SyncRequired();
                sync.PendingCommands.AddRange(pending);
                session.TrySend(new HubMessage { SyncRequired = sync });
            }
            foreach (var waiting in record.Unsent)
            {
                // Asked again (after a node or this hub went) while the same command was still out: it joins that one.
                if (record.InFlight.Values.FirstOrDefault(p => p.JobId == waiting.JobId && p.Fingerprint == waiting.Fingerprint) is { } same) Join(same, waiting);
                else Write(record, waiting);
            }
            record.Unsent.Clear();
            _audit.Connected(hello, session, pending.Count);
            HubLog.AgentConnected(_logger, hello.AgentId, session.Address.ToString(), pending.Count);
            SignalLocked();
        }
        replaced?.Close("replaced by a new connection of the same agent");
        evicted?.Close("evicted", new HubMessage { Goodbye = new Goodbye { Reason = "evicted: the hub's agent pool is full", RetryAfter = Duration.FromTimeSpan(EvictedRetryAfter) } });
    }

    /// <summary>The session's stream ended.</summary>
    public void Remove(AgentSession session, string reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_lock)
        {
            if (!_agents.TryGetValue(session.AgentId, out var record) || record.Session != session) return;
            Detach(record, reason);
        }
    }

    public void OnPong(AgentSession session, Pong pong)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(pong);
        var recovered = session.OnPong(pong.Seq);
        lock (_lock)
        {
            if (!_agents.TryGetValue(session.AgentId, out var record) || record.Session != session) return;
            Touch(record, pong.CalculateSize());
            record.Load = pong.Load;
            if (recovered)
            {
                record.GoneSince = null;
                HubLog.AgentRecovered(_logger, record.Id);
                SignalLocked();
            }
        }
    }

    public void OnLoad(AgentSession session, LoadReport load)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(load);
        lock (_lock)
        {
            if (!_agents.TryGetValue(session.AgentId, out var record) || record.Session != session) return;
            Touch(record, load.CalculateSize());
            record.Load = load.Load;
            record.MaxConcurrent = load.MaxConcurrent;
        }
    }

    /// <summary>An agent was marked TIMEOUT (the AGENT_HANG playbook starts from here); raised outside the registry's lock.</summary>
    public event Action<string>? TimedOut;

    /// <summary>The health monitor found no pong three times in a row.</summary>
    public void MarkTimedOut(AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_lock)
        {
            if (!_agents.TryGetValue(session.AgentId, out var record) || record.Session != session) return;
            record.GoneSince ??= _clock.GetUtcNow();
            HubLog.AgentTimedOut(_logger, record.Id, session.MissedPongs);
            SignalLocked();
        }
        TimedOut?.Invoke(session.AgentId);
    }

    /// <summary>Ends the agent's stream from the hub's side (it hung); false when it has none. It may connect again.</summary>
    public bool Disconnect(string agentId, string reason)
    {
        AgentSession? session;
        lock (_lock) session = _agents.GetValueOrDefault(agentId)?.Session;
        if (session is null) return false;
        session.Close(reason, new HubMessage { Goodbye = new Goodbye { Reason = reason } });
        return true;
    }

    /// <summary>The round trip of one ping on the agent's current stream.</summary>
    public Task<TimeSpan> ProbeAsync(string agentId, CancellationToken cancellationToken)
    {
        AgentSession? session;
        lock (_lock) session = _agents.GetValueOrDefault(agentId)?.Session;
        return session?.ProbeAsync(cancellationToken) ?? throw new InvalidOperationException($"Agent {agentId} is not connected.");
    }

    public IReadOnlyList<AgentSession> Sessions()
    {
        lock (_lock) return [.. _agents.Values.Select(a => a.Session).OfType<AgentSession>()];
    }

    /// <summary>Closes the sessions the new whitelist no longer allows.</summary>
    public void Revalidate(AgentWhitelist whitelist)
    {
        ArgumentNullException.ThrowIfNull(whitelist);
        var refused = new List<(AgentSession Session, string Reason)>();
        lock (_lock)
        {
            foreach (var record in _agents.Values)
            {
                if (record.Session is not { } session) continue;
                var reason = whitelist.Check(session.AgentId, session.Address, out _);
                if (reason is null) continue;
                refused.Add((session, reason));
                Detach(record, "removed from the whitelist");
                _audit.Unlisted(record, session, reason);
            }
        }
        foreach (var (session, reason) in refused)
            session.Close("removed from the whitelist", new HubMessage { AuthFailed = new AuthFailed { Reason = reason } });
    }

    public IReadOnlyList<AgentView> Snapshot()
    {
        lock (_lock)
        {
            return [.. _agents.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Select(View)];
        }
    }

    /// <summary>
    /// Every agent of the cluster (GET /api/agents, the Studio): this node's, and those connected to other live nodes as
    /// they list them, each with its node; on one node, <see cref="Snapshot"/>. An agent that left this node for another
    /// shows as it is there.
    /// </summary>
    public IReadOnlyList<AgentView> Everywhere()
    {
        var here = Snapshot();
        if (_cluster is null) return here;
        var elsewhere = _cluster.AgentsElsewhere().ToDictionary(a => a.Id, StringComparer.Ordinal);
        var draining = _journal.Draining;
        var node = _cluster.NodeId;
        var connectedHere = here.Where(a => a.ConnectedSince is not null).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        return [.. here.Where(a => a.ConnectedSince is not null || !elsewhere.ContainsKey(a.Id)).Select(a => a with { Node = a.ConnectedSince is null ? null : node })
            .Concat(elsewhere.Values.Where(r => !connectedHere.Contains(r.Id)).Select(r => r with { Draining = draining.Contains(r.Id) }))
            .OrderBy(a => a.Id, StringComparer.Ordinal)];
    }

    private AgentView View(AgentRecord a)
    {
        var work = WorkLocked(a);
        var (circuit, until) = _circuits?.StateOf(a.Id) ?? (AgentCircuitBreakers.Closed, null);
        return new AgentView(
            a.Id, a.State.ToString().ToUpperInvariant(), a.Hostname, a.Address, a.Capabilities, a.Labels, a.Load, a.MaxConcurrent,
            a.Session is null ? null : a.ConnectedSince, a.LastActive, a.CommandsSent, a.BytesSent + (a.Session?.BytesSent ?? 0), a.BytesReceived,
            a.InFlight.Count, a.Unsent.Count, a.ActiveJobs, a.AgentVersion, a.ProtocolVersion, circuit, until, _journal.Draining.Contains(a.Id),
            a.MaxJobs, a.CpuCores, a.MemoryGb, work.Working, work.Used.CpuCores, work.Used.MemoryGb);
    }

    /// <summary><paramref name="waiting"/> gets the answer of <paramref name="same"/>, which its waiters now wait for too.</summary>
    private static void Join(PendingCommand same, PendingCommand waiting)
    {
        same.Waiters += waiting.Waiters;
        same.Completion.Task.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) waiting.Completion.TrySetResult(t.Result);
            else if (t.IsFaulted) waiting.Completion.TrySetException(t.Exception!.InnerExceptions);
            else waiting.Completion.TrySetCanceled();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The journal's memory of the agent joins what this hub knows: numbers, commands in flight, jobs placed on it.</summary>
    private void RememberLocked(AgentRecord record, AgentMemory memory)
    {
        record.LastCmdId = Math.Max(record.LastCmdId, memory.LastCmdId);
        foreach (var sent in memory.InFlight)
        {
            if (!record.InFlight.ContainsKey(sent.Command.CmdId))
                record.InFlight[sent.Command.CmdId] = new PendingCommand(sent.AgentId, sent.JobId, sent.Fingerprint, sent.Command) { Written = true };
        }
        if (memory.Whole)
        {
            // The cluster's journal knows the agent's jobs; what this node remembered of them may be long released elsewhere.
            foreach (var stale in record.Jobs.Keys.Where(j => !memory.Jobs.ContainsKey(j)).ToList())
            {
                record.Jobs.Remove(stale);
                record.Adopted.Remove(stale);
                _jobAgents.Remove(stale);
                _parked.Remove(stale);
            }
        }
        foreach (var (job, parked) in memory.Jobs)
        {
            _jobAgents[job] = record.Id;
            // Not known here: another node placed it, and the database counts it (admission's restore makes it this node's own).
            if (record.Jobs.TryAdd(job, _cluster?.DemandOf(job, record.Id) ?? Admission.JobDemand.None) && memory.Whole) record.Adopted.Add(job);
            if (parked) _parked.Add(job);
            else _parked.Remove(job);
        }
    }

    /// <summary>What an agent says it has, bounded: a value that is not a number counts as no limit (0), never as NaN in a sum.</summary>
    private static double Capacity(double said, double max) => double.IsFinite(said) ? Math.Clamp(said, 0, max) : 0;

    private AgentRecord Record(string agentId)
    {
        if (!_agents.TryGetValue(agentId, out var record)) _agents[agentId] = record = new AgentRecord(agentId);
        return record;
    }

    private void Detach(AgentRecord record, string reason)
    {
        if (record.Session is not { } session) return;
        record.BytesSent += session.BytesSent;
        record.Session = null;
        record.GoneSince ??= _clock.GetUtcNow();
        _audit.Disconnected(record, session, reason);
        HubLog.AgentDisconnected(_logger, record.Id, reason);
        SignalLocked();
    }

    private void Touch(AgentRecord record, int bytes)
    {
        record.LastActive = _clock.GetUtcNow();
        record.BytesReceived += bytes;
    }

    private void SignalLocked()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
