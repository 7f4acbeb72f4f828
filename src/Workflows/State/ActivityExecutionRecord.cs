using System.Text.Json.Nodes;

namespace P4Flow.Workflows.State;

/// <summary>One run of one activity: what went in, what came out, how long it took.</summary>
public sealed class ActivityExecutionRecord
{
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public int Sequence { get; set; }
    public string ActivityId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public string? Stage { get; set; }
    public ExecutionStatus Status { get; set; }
    public JsonObject? Inputs { get; set; }
    public JsonObject? Outputs { get; set; }
    public List<string>? Outcomes { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? Error { get; set; }
    public string? ErrorClass { get; set; }
}

/// <summary>What one step changed besides the instance row; the store writes it with the instance.</summary>
public sealed class StepChanges
{
    public List<ActivityExecutionRecord> AddedExecutions { get; } = [];
    public List<ActivityExecutionRecord> UpdatedExecutions { get; } = [];
    public List<Bookmark> AddedBookmarks { get; } = [];
    public List<string> RemovedBookmarkIds { get; } = [];
    /// <summary>Suspended executions whose bookmark went because the job ended or a race was lost.</summary>
    public List<string> CancelledExecutionIds { get; } = [];
    /// <summary>Messages to deliver because of this step (see <see cref="Runtime.IWorkflowEventSource"/>).</summary>
    public List<Outbox.OutboxMessage> Outbox { get; } = [];

    public void Clear()
    {
        AddedExecutions.Clear();
        UpdatedExecutions.Clear();
        AddedBookmarks.Clear();
        RemovedBookmarkIds.Clear();
        CancelledExecutionIds.Clear();
        Outbox.Clear();
    }
}
