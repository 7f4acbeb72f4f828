using System.Text.Json.Serialization;

namespace P4Flow.Workflows.State;

[JsonConverter(typeof(JsonStringEnumConverter<WorkflowStatus>))]
public enum WorkflowStatus
{
    /// <summary>Created, work scheduled, not picked up by a worker yet.</summary>
    Pending,
    /// <summary>A worker is advancing it, or it has scheduled work left.</summary>
    Running,
    /// <summary>Waiting on one or more bookmarks.</summary>
    Suspended,
    Finished,
    Faulted,
    Cancelled,
}

public static class WorkflowStatusExtensions
{
    public static bool IsTerminal(this WorkflowStatus status) =>
        status is WorkflowStatus.Finished or WorkflowStatus.Faulted or WorkflowStatus.Cancelled;
}

[JsonConverter(typeof(JsonStringEnumConverter<ExecutionStatus>))]
public enum ExecutionStatus
{
    Running,
    Suspended,
    Completed,
    Faulted,
    Cancelled,
}
