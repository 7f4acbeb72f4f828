using P4Flow.Studio.Services;
using System.Security.Claims;
using P4Flow.Activities.Perforce;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Users;

namespace P4Flow.Orchestrator.Api;

internal static class JobEndpoints
{
    private const int MaxPageSize = 500;

    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/jobs").WithTags("Jobs").RequireAuthorization(Roles.Viewer);

        group.MapGet("/", async (string? status, string? stage, string? definitionId, int? page, int? pageSize, IWorkflowStore store, IQueuePositions queue, CancellationToken ct) =>
        {
            WorkflowStatus? parsed = null;
            if (status is not null)
            {
                if (!Enum.TryParse<WorkflowStatus>(status, ignoreCase: true, out var s) || int.TryParse(status, out _))
                    throw new WorkflowInputException("status", $"status must be one of {string.Join(", ", Enum.GetNames<WorkflowStatus>())} (got '{status}').");
                parsed = s;
            }
            if (page is < 1) throw new WorkflowInputException("page", "page starts at 1.");
            if (pageSize is < 1 or > MaxPageSize) throw new WorkflowInputException("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
            var result = await store.QueryInstancesAsync(new InstanceQuery(parsed, stage, definitionId, page ?? 1, pageSize ?? 50), ct);
            return new JobPage(result.Items.Select(i => JobView.From(i) with { QueuePosition = queue.PositionOf(i.Id) }).ToList(), result.Total, result.Page, result.PageSize);
        }).WithSummary("Jobs, newest first; filter by status, stage and definition.");

        group.MapGet("/{id}", async (string id, IWorkflowStore store, IQueuePositions queue, CancellationToken ct) =>
        {
            var instance = await store.GetInstanceAsync(id, ct) ?? throw new WorkflowNotFoundException($"Job {id} does not exist.");
            return JobView.From(instance, await store.ListExecutionsAsync(id, ct)) with { QueuePosition = queue.PositionOf(id) };
        }).WithSummary("A job with its stage history and activity executions.");

        group.MapPost("/{id}/cancel", async (string id, CancelRequest? request, WorkflowRuntime runtime, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
            JobView.From(await actions.RunAsync(user, UserAction.Cancel, id, request?.Reason, () => runtime.CancelAsync(id, request?.Reason ?? "Cancelled by request.", ct))))
            .RequireAuthorization(Roles.Operator);

        // As the Studio's Retry: a new job, not the old one moved back; the old one stays as it ended.
        group.MapPost("/{id}/retry", async (string id, IWorkflowStore store, WorkflowRuntime runtime, IQueuePositions queue, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var old = await store.GetInstanceAsync(id, ct) ?? throw new WorkflowNotFoundException($"Job {id} does not exist.");
            var job = await actions.RunAsync(user, UserAction.Run, old.DefinitionId, old.Input.ToJsonString(), () => runtime.StartAsync(old.DefinitionId, old.Input.DeepClone().AsObject(), user.Identity?.Name, ct));
            return Results.Accepted($"/api/jobs/{job.Id}", new JobAccepted(job.Id, job.Status, job.CurrentStage, queue.PositionOf(job.Id)));
        }).RequireAuthorization(Roles.Operator).WithSummary("Starts a new job of the same workflow (its published version) with this job's inputs.");

        group.MapPost("/{id}/resume", async (string id, ResumeRequest request, WorkflowRuntime runtime, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.Bookmark)) throw new WorkflowInputException("bookmark", "bookmark (the name the job waits on) is required.");
            return JobView.From(await actions.RunAsync(user, UserAction.Resume, id, request.Bookmark,
                () => runtime.ResumeAsync(id, request.Bookmark, request.Payload, request.ExpectedStage, ct)));
        }).RequireAuthorization(Roles.Operator).WithSummary("Resumes a bookmark the job waits on, with a payload; 409 if it is not waiting on it.");

        group.MapPost("/{id}/continue", async (string id, ResolveContinuation continuation, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
            await actions.RunAsync(user, UserAction.Continue, id, null, () => continuation.ContinueAsync(id, ResolveContinuation.By(user.Identity?.Name, "api"), ct)))
            .RequireAuthorization(Roles.Operator)
            .WithSummary("For a job in NEEDS_RESOLVE: checks its workspace at once; moves it on when no conflicts remain, else lists them. 409 in any other stage.");
    }
}
