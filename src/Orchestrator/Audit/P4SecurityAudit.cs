using P4Flow.Activities.Perforce.Servers;

namespace P4Flow.Orchestrator.Audit;

/// <summary>
/// Perforce logins and refused server keys go to the audit log, as a changed SSH host key or a refused agent does.
/// Neither a password nor a ticket ever reaches here: only server, port, user, job and p4's own message.
/// </summary>
internal sealed class P4SecurityAudit(AuditLog audit) : IP4SecurityObserver
{
    public void TrustRefused(string server, string port, string jobId, string reason) =>
        audit.Write(new AuditEvent(AuditLog.P4TrustRefused, null, port, AuditEvent.Rejected, $"Perforce server '{server}': {reason}") { Target = jobId, TargetHost = server });

    public void LoginFailed(string server, string port, string user, string jobId, string reason) =>
        audit.Write(new AuditEvent(AuditLog.P4LoginFailed, null, port, AuditEvent.Failure, $"p4 login as {user} on '{server}': {reason}") { Target = jobId, TargetHost = server, User = user });

    public void LoggedIn(string server, string port, string user, string jobId, string? agentId) =>
        audit.Write(new AuditEvent(AuditLog.P4LoggedIn, agentId, port, AuditEvent.Success, $"p4 login as {user} on '{server}'") { Target = jobId, TargetHost = server, User = user });
}
