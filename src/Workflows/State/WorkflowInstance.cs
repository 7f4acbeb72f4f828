using System.Text.Json.Nodes;

namespace P4Flow.Workflows.State;

/// <summary>A job: one run of one version of a workflow definition.</summary>
public sealed class WorkflowInstance
{
    public const string FailedStage = "FAILED";
    public const string CompletedStage = "COMPLETED";
    public const string CancelledStage = "CANCELLED";
    /// <summary>Created and waiting for admission (a free slot, an agent with room): nothing of it has run.</summary>
    public const string QueuedStage = "QUEUED";

    public string Id { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    public int DefinitionVersion { get; set; }
    public string Name { get; set; } = "";
    public WorkflowStatus Status { get; set; }
    public string? CurrentStage { get; set; }
    /// <summary>Background queue for this job's work: high (urgent jobs too), default or low.</summary>
    public string Queue { get; set; } = "default";
    public JsonObject Input { get; set; } = [];
    /// <summary>Who asked for the job (a user or an API key's name); null when the system started it.</summary>
    public string? StartedBy { get; set; }
    public JsonObject Variables { get; set; } = [];
    /// <summary>Outputs of completed activities, keyed by activity id.</summary>
    public JsonObject Outputs { get; set; } = [];
    /// <summary>The workflow's result (set by Finish or by the last activity).</summary>
    public JsonNode? Result { get; set; }
    public SchedulerState Scheduler { get; set; } = new();
    public List<Bookmark> Bookmarks { get; set; } = [];
    public List<StageChange> StageHistory { get; set; } = [];
    public FaultInfo? Fault { get; set; }
    /// <summary>Sequence of the last activity execution; orders the execution rows.</summary>
    public int ExecutionSequence { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>Optimistic concurrency: incremented by every commit.</summary>
    public int Revision { get; set; }
}

/// <summary>Where the flowchart is: what runs next and which connections have been decided.</summary>
public sealed class SchedulerState
{
    /// <summary>Activity ids ready to run, in order.</summary>
    public List<string> Queue { get; set; } = [];
    /// <summary>Forward connections (by index in the definition) that fired (true) or died (false).</summary>
    public Dictionary<int, bool> Connections { get; set; } = [];
    /// <summary>How many times each activity has run; loops are capped on it.</summary>
    public Dictionary<string, int> Runs { get; set; } = [];
    /// <summary>Race joins that have been won in the current pass.</summary>
    public HashSet<string> ClosedRaces { get; set; } = [];
}

public sealed record FaultInfo(string Message, string? ActivityId = null, string? ErrorClass = null);

public sealed record StageChange(string Stage, DateTime EnteredAt, string? Reason = null);
