using P4Flow.Activities.Perforce.Conflicts;
using P4Flow.Notifications;
using P4Flow.Workflows.State;

namespace P4Flow.Studio.Services;

/// <summary>An immutable copy of a job's state, safe to hand to another thread.</summary>
public sealed record JobSummary(
    string Id,
    string DefinitionId,
    int DefinitionVersion,
    string Name,
    WorkflowStatus Status,
    string? Stage,
    string Queue,
    int Revision,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? FinishedAt,
    FaultInfo? Fault,
    IReadOnlyList<StageChange> History,
    IReadOnlyList<WaitingOn> Waiting,
    IReadOnlyList<string> Scheduled,
    string InputJson,
    string? ConflictsJson,
    string? ResultJson,
    string? StartedBy,
    Acknowledgement? Acknowledged,
    IReadOnlyList<Settlements.Entry> Settled)
{
    public static JobSummary From(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new JobSummary(
            instance.Id,
            instance.DefinitionId,
            instance.DefinitionVersion,
            instance.Name,
            instance.Status,
            instance.CurrentStage,
            instance.Queue,
            instance.Revision,
            instance.CreatedAt,
            instance.UpdatedAt,
            instance.FinishedAt,
            instance.Fault,
            [.. instance.StageHistory],
            [.. instance.Bookmarks.Select(b => new WaitingOn(b.ActivityId, b.Name, b.Dispatch))],
            [.. instance.Scheduler.Queue],
            instance.Input.ToJsonString(),
            instance.Variables["conflicts"]?.ToJsonString(),
            instance.Result?.ToJsonString(),
            instance.StartedBy,
            // Only the acknowledgement of the parking the job is in now: a later parking is nobody's yet.
            Acknowledgements.Of(instance, JobPayload.EnteredStage(instance)),
            Settlements.Of(instance));
    }

    public bool IsTerminal => Status.IsTerminal();

    /// <summary>How long it ran (until now while it is not finished).</summary>
    public TimeSpan Duration(DateTime utcNow) => (FinishedAt ?? utcNow) - CreatedAt;
}

public sealed record WaitingOn(string ActivityId, string Name, BookmarkDispatch Dispatch);

/// <summary>An immutable copy of one activity execution.</summary>
public sealed record ExecutionSnapshot(
    string Id,
    int Sequence,
    string ActivityId,
    string ActivityType,
    string? Stage,
    ExecutionStatus Status,
    string? InputsJson,
    string? OutputsJson,
    IReadOnlyList<string>? Outcomes,
    DateTime StartedAt,
    DateTime? CompletedAt,
    string? Error,
    string? ErrorClass)
{
    public static ExecutionSnapshot From(ActivityExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new ExecutionSnapshot(
            record.Id,
            record.Sequence,
            record.ActivityId,
            record.ActivityType,
            record.Stage,
            record.Status,
            record.Inputs?.ToJsonString(),
            record.Outputs?.ToJsonString(),
            record.Outcomes is null ? null : [.. record.Outcomes],
            record.StartedAt,
            record.CompletedAt,
            record.Error,
            record.ErrorClass);
    }

    public TimeSpan? Duration => CompletedAt - StartedAt;
}
