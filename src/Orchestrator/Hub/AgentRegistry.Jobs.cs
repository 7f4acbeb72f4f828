using P4Flow.Orchestrator.Admission;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>Which agent each job runs on: chosen once by requirements and load, released when the job ends.</summary>
public sealed partial class AgentRegistry
{
    /// <summary>The agent a job's commands go to, if it has one.</summary>
    public string? AgentOf(string jobId)
    {
        lock (_lock)
        {
            if (_jobAgents.TryGetValue(jobId, out var agent)) return agent;
        }
        // Placed by another node of the cluster: known here from now on.
        if (_cluster?.AssignmentOf(jobId) is not { } elsewhere) return null;
        Adopt(jobId, elsewhere);
        return elsewhere;
    }

    /// <summary>A job placed on the agent by another node: counted here too (its slot, its release).</summary>
    public void Adopt(string jobId, string agentId)
    {
        lock (_lock)
        {
            if (!_jobAgents.TryAdd(jobId, agentId)) return;
            var record = Record(agentId);
            if (record.Jobs.TryAdd(jobId, _cluster?.DemandOf(jobId, agentId) ?? JobDemand.None)) record.Adopted.Add(jobId);
            if (record.Session is null) record.GoneSince ??= _clock.GetUtcNow();
        }
    }

    /// <summary>
    /// Gives the job the healthy agent with the lowest load that meets its requirements, has a free slot (max_jobs) and
    /// room for its <paramref name="demand"/>, whose circuit is not open and that is not draining; null when none does.
    /// </summary>
    public string? TryAssign(string jobId, AgentRequirements requirements, JobDemand demand = default)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        lock (_lock)
        {
            if (_jobAgents.TryGetValue(jobId, out var assigned)) return assigned;
            var best = CandidatesLocked(requirements)
                .Where(a => HasRoomLocked(a, demand))
                .OrderBy(a => WorkLocked(a).Working + a.InFlight.Count + a.Unsent.Count)
                .ThenBy(a => a.Load)
                .ThenBy(a => a.LastActive)
                .FirstOrDefault();
            if (best is null)
            {
                // None here: one connected to another node, its commands routed there.
                if (_cluster?.TryAssignElsewhere(jobId, requirements, demand) is not { } elsewhere) return null;
                _jobAgents[jobId] = elsewhere;
                var there = Record(elsewhere);
                there.Jobs[jobId] = demand;
                there.Adopted.Remove(jobId);
                // Not here: gone as far as this node goes, should it also leave the other one (agents.lost_grace counts).
                if (there.Session is null) there.GoneSince ??= _clock.GetUtcNow();
                return elsewhere;
            }
            // Another node may have placed the job first: it stays where that one put it.
            var holder = _journal.Assigned(jobId, best.Id, demand);
            _jobAgents[jobId] = holder;
            Record(holder).Jobs[jobId] = demand;
            Record(holder).Adopted.Remove(jobId);
            HubLog.JobAssigned(_logger, jobId, holder);
            return holder;
        }
    }

    /// <summary>Whether any agent that could take a job with these requirements is connected (full or not).</summary>
    public bool AnyCandidate(AgentRequirements requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        lock (_lock)
        {
            if (CandidatesLocked(requirements).Any()) return true;
        }
        return _cluster?.AnyCandidateElsewhere(requirements) == true;
    }

    /// <summary>The job waits for a person (it holds no slot of its agent) or works again.</summary>
    public void Park(string jobId, bool parked)
    {
        lock (_lock)
        {
            if (_jobAgents.ContainsKey(jobId) && (parked ? _parked.Add(jobId) : _parked.Remove(jobId))) SignalLocked();
        }
        // Other nodes count the agent's slots from the database; so does this one for a job another node placed, or that
        // it has not met since a restart or a takeover: its row is parked or freed whatever this node knew of it.
        _cluster?.Park(jobId, parked);
    }

    /// <summary>A job placed by a previous run (restored from the journal) gets back its demand and parked state.</summary>
    public void Restore(string jobId, JobDemand demand, bool parked)
    {
        lock (_lock)
        {
            if (!_jobAgents.TryGetValue(jobId, out var agentId) || !_agents.TryGetValue(agentId, out var record)) return;
            record.Jobs[jobId] = demand;
            // This node's admission runs it now (a restart, or a takeover): its own.
            record.Adopted.Remove(jobId);
            if (parked) _parked.Add(jobId);
            else _parked.Remove(jobId);
        }
    }

    private IEnumerable<AgentRecord> CandidatesLocked(AgentRequirements requirements) => _agents.Values
        .Where(a => a.Session is { IsClosed: false, State: AgentState.Healthy } && requirements.MetBy(a) && _circuits?.Admits(a.Id) != false && !_journal.Draining.Contains(a.Id));

    /// <summary>
    /// Its jobs that work (a job parked for a person holds no slot) and what they declared they need, those other nodes
    /// placed on it included: one pass over its jobs and one look at the cluster's counts.
    /// </summary>
    private (int Working, JobDemand Used) WorkLocked(AgentRecord agent)
    {
        var (working, used) = _cluster?.PlacedByOthers(agent.Id, j => agent.Jobs.ContainsKey(j) && !agent.Adopted.Contains(j)) ?? (0, JobDemand.None);
        foreach (var (job, demand) in agent.Jobs)
        {
            if (_parked.Contains(job) || agent.Adopted.Contains(job)) continue;
            working++;
            used += demand;
        }
        return (working, used);
    }

    private bool HasRoomLocked(AgentRecord agent, JobDemand demand) =>
        WorkLocked(agent) is var (working, used) && (agent.MaxJobs <= 0 || working < agent.MaxJobs) && demand.FitsBeside(used, agent.CpuCores, agent.MemoryGb);

    /// <summary>
    /// Drains an agent (no new job goes to it; the jobs it has run to their end) or takes it back into placement;
    /// kept in the journal, so a restart keeps it drained. False when no agent of that id is known.
    /// </summary>
    public bool SetDraining(string agentId, bool draining)
    {
        lock (_lock)
        {
            if (!_agents.ContainsKey(agentId))
            {
                // Connected to another node: drained in the journal they share, which that node reads with the presence.
                if (_cluster?.NodeOf(agentId) is null) return false;
                _journal.Drain(agentId, draining);
                return true;
            }
            if (_journal.Draining.Contains(agentId) != draining) _journal.Drain(agentId, draining);
            // Jobs waiting in WAITING_FOR_AGENT look again: an undrained agent may be theirs.
            SignalLocked();
            return true;
        }
    }

    /// <summary>
    /// The job ended: its agent is free of it, what it still had running there is cancelled, and the agent is told
    /// so it can remove the job's folder (an agent away at that moment keeps the folder).
    /// </summary>
    public void ReleaseJob(string jobId, string reason, bool succeeded = false) => Release(jobId, reason, succeeded, withdrawn: null);

    /// <summary>
    /// The job leaves its agent to start over elsewhere (the agent hung): the commands it was waiting for there fail
    /// with <paramref name="reason"/> (class AGENT_HANG), and its next command is placed afresh. The agent, when it is
    /// back, removes the job's folder as one no longer its own.
    /// </summary>
    public void Withdraw(string jobId, string reason) =>
        Release(jobId, reason, succeeded: false, withdrawn: new AgentUnavailableException(reason, AgentUnavailableException.AgentHang));

    /// <summary>Whether the agent has a session on this node (healthy or not).</summary>
    public bool IsConnected(string agentId)
    {
        lock (_lock) return _agents.GetValueOrDefault(agentId)?.Session is { IsClosed: false };
    }

    /// <summary>
    /// The caller stops waiting here because the agent went to another node: the command stays in flight (and in the
    /// journal) for the node that serves it there; nothing is cancelled on the agent.
    /// </summary>
    public void Forget(PendingCommand pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_lock)
        {
            pending.Waiters--;
            if (!pending.Written && _agents.TryGetValue(pending.AgentId, out var record)) record.Unsent.Remove(pending);
        }
    }

    /// <summary>Whether the agent is connected and answering pings.</summary>
    public bool IsHealthy(string agentId)
    {
        lock (_lock) return _agents.GetValueOrDefault(agentId)?.Session is { IsClosed: false, State: AgentState.Healthy };
    }

    /// <summary>The jobs placed on the agent (cleanups and probes under a job's run id included).</summary>
    public IReadOnlyList<string> JobsOf(string agentId)
    {
        lock (_lock) return [.. _jobAgents.Where(j => j.Value == agentId).Select(j => j.Key)];
    }

    /// <summary>Whether the job waits for a person (it holds no slot of its agent).</summary>
    public bool IsParked(string jobId)
    {
        lock (_lock) return _parked.Contains(jobId);
    }

    private void Release(string jobId, string reason, bool succeeded, Exception? withdrawn)
    {
        string? elsewhere = null;
        lock (_lock)
        {
            if (_jobAgents.Remove(jobId, out var agentId))
            {
                EndOnAgentLocked(agentId, jobId, reason, succeeded, withdrawn);
                _journal.Released(jobId);
                _cluster?.Forget(jobId);
                if (_cluster is not null && _agents.GetValueOrDefault(agentId)?.Session is null) elsewhere = agentId;
            }
        }
        // Placed by another node, or on an agent connected to one: that node ends it on the agent.
        if (_cluster is null) return;
        if (elsewhere is null && _cluster.AssignmentOf(jobId) is { } placed)
        {
            _journal.Released(jobId);
            elsewhere = placed;
        }
        if (elsewhere is not null && withdrawn is null) _cluster.ReleaseElsewhere(elsewhere, jobId, reason, succeeded);
    }

    /// <summary>Another node ended the job: ended here on its agent, connected to this node.</summary>
    public void ReleaseOnAgent(string agentId, string jobId, string reason, bool succeeded)
    {
        lock (_lock)
        {
            _jobAgents.Remove(jobId);
            EndOnAgentLocked(agentId, jobId, reason, succeeded, withdrawn: null);
        }
    }

    private void EndOnAgentLocked(string agentId, string jobId, string reason, bool succeeded, Exception? withdrawn)
    {
        _parked.Remove(jobId);
        if (!_agents.TryGetValue(agentId, out var record)) return;
        record.Jobs.Remove(jobId);
        record.Adopted.Remove(jobId);
        record.Unsent.RemoveAll(p => p.JobId == jobId && End(p));
        foreach (var pending in record.InFlight.Values.Where(p => p.JobId == jobId).ToList())
        {
            record.InFlight.Remove(pending.CmdId);
            _journal.Done(record.Id, pending.CmdId);
            record.Session?.TrySend(new HubMessage { Cancel = new Cancel { CmdId = pending.CmdId, Reason = reason } });
            End(pending);
        }
        if (withdrawn is null && record.Session is { } session) session.TrySend(JobEndedFor(agentId, jobId, succeeded));
        SignalLocked();

        bool End(PendingCommand pending) => withdrawn is null ? pending.Completion.TrySetCanceled() : pending.Completion.TrySetException(withdrawn);
    }

    /// <summary>The signed JobEnded that has <paramref name="agentId"/> remove the job's folder.</summary>
    public HubMessage JobEndedFor(string agentId, string jobId, bool succeeded) => new() { JobEnded = _commands.JobEnded(agentId, jobId, succeeded) };

    /// <summary>When the agent went (disconnected or TIMEOUT); null while it is healthy or unknown.</summary>
    public DateTimeOffset? GoneSince(string agentId)
    {
        lock (_lock) return _agents.TryGetValue(agentId, out var record) ? record.GoneSince : null;
    }

    /// <summary>How long the agent has been gone (disconnected or TIMEOUT); null while it is healthy.</summary>
    public TimeSpan? GoneFor(string agentId)
    {
        lock (_lock)
        {
            if (!_agents.TryGetValue(agentId, out var record)) return TimeSpan.MaxValue;
            return record.GoneSince is { } since ? _clock.GetUtcNow() - since : null;
        }
    }
}
