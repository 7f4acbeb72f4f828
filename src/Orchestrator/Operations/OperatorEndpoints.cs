using System.Security.Claims;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Operations;

internal static class OperatorEndpoints
{
    public sealed record PauseRequest(string? Reason);

    public static void MapOperatorEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Operations");
        group.MapGet("/pause", (OperatorPause pause) => pause.Current).RequireAuthorization(Roles.Viewer)
            .WithSummary("Whether commands are paused, since when, by whom and why, and how many wait.");
        group.MapPost("/pause", (PauseRequest? request, OperatorPause pause, ClaimsPrincipal user) =>
        {
            if (request?.Reason is { Length: > 500 }) throw new WorkflowInputException("reason", "reason is at most 500 characters.");
            return pause.Pause(user.Identity?.Name, request?.Reason);
        }).RequireAuthorization(Roles.Admin)
            .WithSummary("Pauses everything: no command goes to an agent or a server (running ones finish); jobs wait before their next one. Kept across restarts.");
        group.MapPost("/resume", (OperatorPause pause, ClaimsPrincipal user) => pause.Resume(user.Identity?.Name)).RequireAuthorization(Roles.Admin)
            .WithSummary("Resumes after a pause: the waiting jobs go on.");
    }
}
