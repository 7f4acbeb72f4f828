using P4Flow.Activities.Commands;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>The pool's commands: sent (signed, journalled) to their agent, joined, abandoned, answered.</summary>
public sealed partial class AgentRegistry
{
    /// <summary>Sends a command to the agent (or queues it until the agent connects), or joins an identical one already out.</summary>
    public PendingCommand Submit(string agentId, CommandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fingerprint = PendingCommand.FingerprintOf(request);
        lock (_lock)
        {
            var record = Record(agentId);
            var same = record.InFlight.Values.Concat(record.Unsent).FirstOrDefault(p => p.Fingerprint == fingerprint && p.JobId == request.JobId && !p.Completion.Task.IsCompleted);
            if (same is not null)
            {
                same.Waiters++;
                return same;
            }
            var pending = new PendingCommand(agentId, request.JobId, fingerprint, AgentCommands.Map(request)) { Waiters = 1, Secret = request.SecretStdin };
            if (_orphans.TryTake(request.JobId, fingerprint, out var orphan))
            {
                pending.Completion.TrySetResult(orphan);
                return pending;
            }
            if (record.Session is { IsClosed: false }) Write(record, pending);
            else record.Unsent.Add(pending);
            return pending;
        }
    }

    /// <summary>The caller stopped waiting: a command nobody else waits for is cancelled on the agent.</summary>
    public void Abandon(PendingCommand pending, string reason)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_lock)
        {
            if (--pending.Waiters > 0 || pending.Completion.Task.IsCompleted) return;
            if (!_agents.TryGetValue(pending.AgentId, out var record)) return;
            if (record.Unsent.Remove(pending)) return;
            if (record.InFlight.Remove(pending.CmdId))
            {
                _journal.Done(record.Id, pending.CmdId);
                record.Session?.TrySend(new HubMessage { Cancel = new Cancel { CmdId = pending.CmdId, Reason = reason } });
            }
            pending.Completion.TrySetCanceled();
        }
    }

    /// <summary>The caller has its result.</summary>
    public void Release(PendingCommand pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_lock) pending.Waiters--;
    }

    public void OnResult(AgentSession session, CommandResult result, bool fromCache)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(result);
        lock (_lock)
        {
            if (!_agents.TryGetValue(session.AgentId, out var record)) return;
            Touch(record, result.CalculateSize());
            if (!record.InFlight.Remove(result.CmdId, out var pending))
            {
                HubLog.UnknownResult(_logger, session.AgentId, result.CmdId);
                return;
            }
            _journal.Done(record.Id, result.CmdId);
            if (fromCache) HubLog.AnsweredFromCache(_logger, session.AgentId, result.CmdId);
            if (pending.Waiters <= 0) _orphans.Keep(pending.JobId, pending.Fingerprint, result);
            pending.Completion.TrySetResult(result);
            if (record.InFlight.Count == 0) SignalLocked();
        }
    }

    public void OnOutput(AgentSession session, CommandOutput output)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(output);
        lock (_lock)
        {
            if (!_agents.TryGetValue(session.AgentId, out var record)) return;
            Touch(record, output.CalculateSize());
            if (record.InFlight.TryGetValue(output.CmdId, out var pending)) pending.OutputChars += output.Data.Length;
        }
        OutputReceived?.Invoke(session.AgentId, output);
    }

    private void Write(AgentRecord record, PendingCommand pending)
    {
        if (!pending.Written)
        {
            // Signed once its cmd_id is known, and kept by the journal before it counts as sent: a journal that fails
            // leaves the command unsent (the caller hears why), never out on the agent unrecorded.
            record.LastCmdId = _journal.NextCmdId(record.Id, record.LastCmdId);
            _commands.Stamp(pending.Command, record.Id, record.LastCmdId);
            if (pending.Secret) _journal.SentSecret(record.Id, pending.CmdId);
            else _journal.Sent(record.Id, pending.JobId, pending.Fingerprint, pending.Command);
            pending.Written = true;
            record.InFlight[pending.CmdId] = pending;
        }
        record.CommandsSent++;
        record.LastActive = _clock.GetUtcNow();
        record.Session!.TrySend(new HubMessage { Command = pending.Command });
    }
}
