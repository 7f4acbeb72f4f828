using P4Flow.Workflows.State;

namespace P4Flow.Studio.Services;

/// <summary>What the job view paints on each activity of the diagram.</summary>
public static class NodeStates
{
    public const string NotReached = "notReached";
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>The state of every activity that has one; activities not in the result were not reached.</summary>
    public static Dictionary<string, string> Compute(JobSummary job, IEnumerable<ExecutionSnapshot> executions)
    {
        ArgumentNullException.ThrowIfNull(job);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var latest in executions.GroupBy(e => e.ActivityId, StringComparer.Ordinal).Select(g => g.MaxBy(e => e.Sequence)!))
            states[latest.ActivityId] = Of(job, latest);
        if (!job.IsTerminal)
        {
            foreach (var id in job.Scheduled) states[id] = Running;
        }
        return states;
    }

    private static string Of(JobSummary job, ExecutionSnapshot execution) => execution.Status switch
    {
        ExecutionStatus.Completed => Done,
        ExecutionStatus.Faulted => Failed,
        ExecutionStatus.Cancelled => Cancelled,
        ExecutionStatus.Suspended when job.IsTerminal => Cancelled,
        // Work dispatched to a background job is running; a bookmark for a person or a timer is waiting.
        ExecutionStatus.Suspended => job.Waiting.Any(w => w.ActivityId == execution.ActivityId && w.Dispatch == BookmarkDispatch.Job) ? Running : Waiting,
        _ => Running,
    };
}
