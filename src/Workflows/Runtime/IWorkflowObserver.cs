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
}

public readonly record struct JobSnapshot(WorkflowStatus Status, string? Stage, DateTime At);
