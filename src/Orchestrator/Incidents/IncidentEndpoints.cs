using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Incidents;

internal static class IncidentEndpoints
{
    public static void MapIncidentEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/incidents", (string? playbook, int? limit, IncidentLog incidents) =>
        {
            if (limit is < 1 or > 1000) throw new WorkflowInputException("limit", "limit must be between 1 and 1000.");
            return incidents.List(playbook, limit ?? 100);
        }).RequireAuthorization(Roles.Viewer).WithTags("Incidents")
          .WithSummary("What the recovery playbooks handled, newest first: playbook, steps with their outcomes, and how it ended.");
}
