using System.Security.Claims;

namespace P4Flow.Orchestrator.Hub;

public static class AgentEndpoints
{
    /// <summary>GET /api/agents: every agent the hub knows, connected or not, with its state, load and traffic; in a cluster, every node's.</summary>
    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/agents", (AgentRegistry registry) => Results.Ok(registry.Everywhere()))
            .WithName("ListAgents")
            .WithTags("Agents")
            .RequireAuthorization(Security.Roles.Admin);
        app.MapPost("/api/agents/{id}/drain", (string id, AgentDrain drain, ClaimsPrincipal user) => drain.Set(id, true, user.Identity?.Name))
            .WithTags("Agents").RequireAuthorization(Security.Roles.Admin)
            .WithSummary("Drains an agent: no new job goes to it, the jobs it has run to their end; kept across restarts.");
        app.MapPost("/api/agents/{id}/undrain", (string id, AgentDrain drain, ClaimsPrincipal user) => drain.Set(id, false, user.Identity?.Name))
            .WithTags("Agents").RequireAuthorization(Security.Roles.Admin)
            .WithSummary("Takes a drained agent back: new jobs may go to it again.");
        return app;
    }
}
