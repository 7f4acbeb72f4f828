using P4Flow.Studio.Services;
using System.Security.Claims;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Users;

namespace P4Flow.Orchestrator.Api;

internal static class WorkflowDefinitionEndpoints
{
    public static void MapWorkflowDefinitionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workflow-definitions").WithTags("Workflow definitions").RequireAuthorization(Roles.Viewer);

        group.MapGet("/", async (IWorkflowStore store, CancellationToken ct) => await store.ListDefinitionsAsync(ct))
            .WithSummary("The latest version of every workflow definition.");

        group.MapPost("/", async (WorkflowDefinition definition, WorkflowDefinitionService service, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var saved = await actions.RunAsync(user, UserAction.Edit, definition.DefinitionId, null, () => service.SaveDraftAsync(definition, ct));
            return Results.Created($"/api/workflow-definitions/{saved.DefinitionId}?version={saved.Version}", saved);
        }).RequireAuthorization(Roles.Designer).WithSummary("Saves a draft: replaces the unpublished latest version or adds a new one.");

        group.MapPost("/validate", (WorkflowDefinition definition, WorkflowDefinitionService service) =>
            Results.Ok(new { errors = service.Validate(definition) }))
            .RequireAuthorization(Roles.Designer)
            .WithSummary("Validates a definition without saving it.");

        group.MapPost("/import", async (WorkflowDefinition definition, WorkflowDefinitionService service, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var saved = await actions.RunAsync(user, UserAction.Import, definition.DefinitionId, null, () => service.ImportAsync(definition, ct));
            return Results.Created($"/api/workflow-definitions/{saved.DefinitionId}?version={saved.Version}", saved);
        }).RequireAuthorization(Roles.Designer).WithSummary("Imports an exported definition as a new version (published if the file says isPublished).");

        group.MapGet("/{definitionId}", async (string definitionId, int? version, IWorkflowStore store, CancellationToken ct) =>
            await Find(store, definitionId, version, ct))
            .WithSummary("The latest version, or the one ?version= names.");

        group.MapDelete("/{definitionId}", async (string definitionId, WorkflowDefinitionService service, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        {
            await actions.RunAsync(user, UserAction.Delete, definitionId, null, async () =>
            {
                await service.DeleteAsync(definitionId, ct);
                return true;
            });
            return Results.NoContent();
        }).RequireAuthorization(Roles.Designer).WithSummary("Deletes every version; 409 while jobs on it are unfinished (finished jobs keep their history).");

        group.MapGet("/{definitionId}/versions", async (string definitionId, IWorkflowStore store, CancellationToken ct) =>
        {
            var versions = await store.ListVersionsAsync(definitionId, ct);
            return versions.Count == 0 ? throw new WorkflowNotFoundException($"Workflow '{definitionId}' does not exist.") : Results.Ok(versions);
        });

        group.MapPost("/{definitionId}/publish", async (string definitionId, WorkflowDefinitionService service, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
            await actions.RunAsync(user, UserAction.Publish, definitionId, null, () => service.PublishAsync(definitionId, ct)))
            .RequireAuthorization(Roles.Designer)
            .WithSummary("Validates and publishes the latest version; errors name the activity and field.");

        group.MapGet("/{definitionId}/export", async (string definitionId, int? version, IWorkflowStore store, CancellationToken ct) =>
        {
            var definition = await Find(store, definitionId, version, ct);
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(definition, WorkflowJson.Indented);
            return Results.File(json, "application/json", $"{definitionId}.v{definition.Version}.json");
        });

        group.MapPost("/{definitionId}/runs", async (string definitionId, JsonObject? input, WorkflowRuntime runtime, IQueuePositions queue, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var job = await actions.RunAsync(user, UserAction.Run, definitionId, input?.ToJsonString() ?? "{}", () => runtime.StartAsync(definitionId, input, user.Identity?.Name, ct));
            return Results.Accepted($"/api/jobs/{job.Id}", new JobAccepted(job.Id, job.Status, job.CurrentStage, queue.PositionOf(job.Id)));
        }).RequireAuthorization(Roles.Operator).WithSummary("Starts a job on the published version; the body holds the workflow's inputs.");
    }

    private static async Task<WorkflowDefinition> Find(IWorkflowStore store, string definitionId, int? version, CancellationToken ct)
    {
        if (version is <= 0) throw new WorkflowInputException("version", "version must be a positive number.");
        return await store.GetDefinitionAsync(definitionId, version, ct)
            ?? throw new WorkflowNotFoundException(version is null ? $"Workflow '{definitionId}' does not exist." : $"Workflow '{definitionId}' has no version {version}.");
    }
}
