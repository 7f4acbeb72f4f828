using System.Security.Claims;
using P4Flow.Orchestrator.Audit;

namespace P4Flow.Orchestrator.Security;

/// <summary>Sign-in failures and credential changes, for the audit log.</summary>
public sealed class SecurityEvents(AuditLog audit)
{
    /// <param name="method">api key, password or bearer token.</param>
    /// <param name="user">The user name tried, when the request named one.</param>
    public void LoginFailed(HttpContext context, string method, string? user, string reason) =>
        audit.Write(new AuditEvent(AuditLog.LoginFailed, null, null, AuditEvent.Failure, $"{method}: {reason}")
        {
            User = user,
            SourceIp = context.Connection.RemoteIpAddress?.ToString(),
        });

    public void KeyChanged(ClaimsPrincipal actor, string eventType, ApiKeyInfo key) =>
        audit.Write(new AuditEvent(eventType, null, null, AuditEvent.Success, $"{key.Name} ({key.Role})")
        {
            User = UserActionGate.UserName(actor),
            Target = key.Id,
        });

    public void UserSaved(ClaimsPrincipal actor, string name, string role) =>
        audit.Write(new AuditEvent(AuditLog.UserSaved, null, null, AuditEvent.Success, $"role {role}")
        {
            User = UserActionGate.UserName(actor),
            Target = name,
        });

    /// <summary>A signed-in caller whose role is too low for the route: refused with 403, and written down.</summary>
    public void AccessDenied(HttpContext context, string requirement) =>
        audit.Write(new AuditEvent(AuditLog.AccessDenied, null, null, AuditEvent.Denied, requirement)
        {
            User = UserActionGate.UserName(context.User),
            Target = $"{context.Request.Method} {context.Request.Path}",
            SourceIp = context.Connection.RemoteIpAddress?.ToString(),
        });
}
