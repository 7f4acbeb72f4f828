using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace P4Flow.Orchestrator.Security;

/// <summary>
/// Every 403 a route's role policy gives (API, Studio page, Hangfire) reaches the audit log before the default
/// handler answers; refusals by the user-action gate are audited there already.
/// </summary>
internal sealed class AuditedAuthorizationResultHandler(SecurityEvents events) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden)
        {
            var roles = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles);
            events.AccessDenied(context, $"requires one of the roles {string.Join(", ", roles)}");
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
