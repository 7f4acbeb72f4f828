using System.Security.Claims;
using P4Flow.Orchestrator.Audit;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Hub;

public static class AgentEndpoints
{
    /// <summary>GET /api/agents: every agent the hub knows, connected or not, with its state, load and traffic.</summary>
    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/agents", (AgentRegistry registry) => Results.Ok(registry.Snapshot()))
            .WithName("ListAgents")
            .WithTags("Agents")
            .RequireAuthorization(Security.Roles.Admin);
        app.MapPost("/api/agents/{id}/drain", (string id, AgentRegistry registry, AuditLog audit, ClaimsPrincipal user) => Drain(id, true, registry, audit, user))
            .WithTags("Agents").RequireAuthorization(Security.Roles.Admin)
            .WithSummary("Drains an agent: no new job goes to it, the jobs it has run to their end; kept across restarts.");
        app.MapPost("/api/agents/{id}/undrain", (string id, AgentRegistry registry, AuditLog audit, ClaimsPrincipal user) => Drain(id, false, registry, audit, user))
            .WithTags("Agents").RequireAuthorization(Security.Roles.Admin)
            .WithSummary("Takes a drained agent back: new jobs may go to it again.");
        return app;
    }

    private static AgentView Drain(string id, bool draining, AgentRegistry registry, AuditLog audit, ClaimsPrincipal user)
    {
        if (!registry.SetDraining(id, draining)) throw new WorkflowNotFoundException($"Agent {id} is not known to this orchestrator.");
        var view = registry.Snapshot().Single(a => a.Id == id);
        audit.Write(new AuditEvent(draining ? AuditLog.AgentDrained : AuditLog.AgentUndrained, id, null, AuditEvent.Accepted,
            draining ? $"drained with {view.Jobs} job(s) on it" : "back in placement") { User = user.Identity?.Name, TargetHost = view.Hostname });
        return view;
    }
}
