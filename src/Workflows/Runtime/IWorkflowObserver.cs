using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// Told about every job after its changes are committed: metrics, audit and live views hang here, so the
/// engine need not know them. Called on the worker's thread under the job's lock: keep it quick, never throw.
/// </summary>
public interface IWorkflowObserver
{
    void JobCreated(WorkflowInstance instance);

    /// <summary>A step was committed; <paramref name="before"/> holds the status and stage the job had when the step began.</summary>
    void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes);

    /// <summary>A failed job activity will run again after <see cref="ActivityRetry.Delay"/> instead of failing its job now (called outside the job's lock).</summary>
    void RetryScheduled(WorkflowInstance instance, ActivityRetry retry)
    {
    }
}

/// <summary>A retry of a job activity: which failure, which retry of how many, after how long.</summary>
public sealed record ActivityRetry(string ActivityId, string ErrorClass, int Retry, int Attempts, TimeSpan Delay, string Error);

public readonly record struct JobSnapshot(WorkflowStatus Status, string? Stage, DateTime At);
