using System.Text.Json.Nodes;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Api;

/// <summary>A job as the API shows it.</summary>
/// <param name="StartedBy">Who asked for the job; null when the system started it.</param>
/// <param name="Cleanup">The recorded server cleanup of an ended job that used Perforce; null before it ran.</param>
/// <param name="Settled">The conflicted files people settled on the job's page or through the API: who chose what, when.</param>
public sealed record JobView(
    string Id,
    string DefinitionId,
    int DefinitionVersion,
    string Name,
    WorkflowStatus Status,
    string? Stage,
    string Queue,
    JsonObject Input,
    JsonObject Variables,
    JsonNode? Result,
    FaultInfo? Fault,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? FinishedAt,
    IReadOnlyList<StageChange> History,
    IReadOnlyList<BookmarkView> WaitingOn,
    JsonNode? Conflicts,
    JsonNode? Cleanup,
    string? StartedBy,
    JsonNode? Acknowledged,
    JsonNode? Settled,
    IReadOnlyList<ActivityExecutionRecord>? Activities)
{
    /// <summary>Where the job stands while it waits in QUEUED (1: admitted next); null otherwise.</summary>
    public int? QueuePosition { get; init; }

    public static JobView From(WorkflowInstance instance, IReadOnlyList<ActivityExecutionRecord>? executions = null) => new(
        instance.Id,
        instance.DefinitionId,
        instance.DefinitionVersion,
        instance.Name,
        instance.Status,
        instance.CurrentStage,
        instance.Queue,
        instance.Input,
        instance.Variables,
        instance.Result,
        instance.Fault,
        instance.CreatedAt,
        instance.UpdatedAt,
        instance.FinishedAt,
        instance.StageHistory,
        instance.Bookmarks.Select(b => new BookmarkView(b.Name, b.ActivityId, b.Dispatch, b.ResumeAt)).ToList(),
        instance.Variables["conflicts"],
        // What the server cleanup after the job did (status, attempts, what it kept for a person): see JobCleanupJobs.
        instance.Outputs["cleanup"],
        instance.StartedBy,
        // Who took the job while it waited in NEEDS_RESOLVE, and when (see Acknowledgements); it stops the reminders.
        instance.Outputs[P4Flow.Notifications.Acknowledgements.OutputKey],
        instance.Outputs[P4Flow.Activities.Perforce.Conflicts.Settlements.OutputKey],
        executions);
}

public sealed record BookmarkView(string Name, string ActivityId, BookmarkDispatch Dispatch, DateTime? ResumeAt);

public sealed record JobPage(IReadOnlyList<JobView> Items, int Total, int Page, int PageSize);

/// <param name="Stage">QUEUED when it waits for admission, with its <paramref name="QueuePosition"/>.</param>
public sealed record JobAccepted(string JobId, WorkflowStatus Status, string? Stage = null, int? QueuePosition = null);

public sealed record ResumeRequest(string? Bookmark, JsonNode? Payload, string? ExpectedStage);

public sealed record CancelRequest(string? Reason);
