using System.Security.Claims;

namespace P4Flow.Orchestrator.Security;

/// <summary>Who did what: security-relevant actions of people, for the audit log.</summary>
public sealed partial class SecurityEvents(ILogger<SecurityEvents> logger)
{
    public void LoginFailed(HttpContext context, string method, string reason) =>
        LogLoginFailed(logger, method, context.Connection.RemoteIpAddress?.ToString(), reason);

    public void Action(ClaimsPrincipal user, string eventType, string target, string result) =>
        LogAction(logger, eventType, user.Identity?.Name ?? "anonymous", target, result);

    [LoggerMessage(4001, LogLevel.Warning, "LOGIN_FAILED by {Method} from {RemoteIp}: {Reason}")]
    private static partial void LogLoginFailed(ILogger logger, string method, string? remoteIp, string reason);

    [LoggerMessage(4002, LogLevel.Information, "{EventType} by {User} on {Target}: {Result}")]
    private static partial void LogAction(ILogger logger, string eventType, string user, string target, string result);
}
