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
        return app;
    }
}
