using P4Flow.Orchestrator.Audit;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>What the agent pool writes to the audit log: who was admitted, refused, evicted or disconnected, and why.</summary>
internal sealed class AgentPoolAudit(AuditLog audit)
{
    public void Refused(Hello hello, AgentSession session, string reason) =>
        audit.Write(new AuditEvent(AuditLog.AgentRejected, hello.AgentId, session.Address.ToString(), AuditEvent.Rejected, reason) { TargetHost = hello.Hostname });

    public void Evicted(AgentRecord idle, AgentSession evicted, int maxAgents, string forAgent) =>
        audit.Write(new AuditEvent(AuditLog.AgentEvicted, idle.Id, evicted.Address.ToString(), AuditEvent.Accepted,
            $"pool full (resources.max_agents = {maxAgents}): least recently active idle agent evicted for {forAgent}") { TargetHost = idle.Hostname });

    public void Replaced(AgentRecord record, AgentSession old, int missedPongs) =>
        audit.Write(new AuditEvent(AuditLog.AgentDisconnected, record.Id, old.Address.ToString(), AuditEvent.Accepted,
            $"replaced by a new connection of the same agent after {missedPongs} missed pong(s)") { TargetHost = record.Hostname });

    public void Connected(Hello hello, AgentSession session, int pending) =>
        audit.Write(new AuditEvent(AuditLog.AgentConnected, hello.AgentId, session.Address.ToString(), AuditEvent.Accepted,
            pending == 0 ? "sync ok" : $"sync required: {pending} commands pending") { TargetHost = hello.Hostname });

    public void Disconnected(AgentRecord record, AgentSession session, string reason) =>
        audit.Write(new AuditEvent(AuditLog.AgentDisconnected, record.Id, session.Address.ToString(), AuditEvent.Accepted, reason) { TargetHost = record.Hostname });

    public void Unlisted(AgentRecord record, AgentSession session, string reason) =>
        audit.Write(new AuditEvent(AuditLog.AgentDisconnected, record.Id, session.Address.ToString(), AuditEvent.Rejected, $"whitelist changed: {reason}") { TargetHost = record.Hostname });
}
