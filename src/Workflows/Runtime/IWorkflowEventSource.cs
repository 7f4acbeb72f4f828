using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// Turns a step into outbox messages before it is committed, so the messages are written in the same transaction as
/// the change that caused them (a notification of a job parked for a person, of a failed job). Called under the job's
/// lock: keep it quick, run no I/O.
/// </summary>
public interface IWorkflowEventSource
{
    /// <param name="before">The status and stage the job had when the step began.</param>
    void Collect(WorkflowInstance instance, JobSnapshot before, StepChanges changes);
}
