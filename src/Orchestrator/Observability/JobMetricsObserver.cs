using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// Job counters and durations from the engine's commits. Durations come from the job's stored timestamps, so a job
/// that spans a restart is measured from its real start.
/// </summary>
internal sealed class JobMetricsObserver(P4FlowMetrics metrics) : IWorkflowObserver
{
    public void JobCreated(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        metrics.JobsTotal.WithLabels(P4FlowMetrics.Code(instance.DefinitionId)).Inc();
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var workflow = P4FlowMetrics.Code(instance.DefinitionId);
        foreach (var (stage, seconds) in StepStages.Left(instance, before))
            metrics.StageDuration.WithLabels(workflow, P4FlowMetrics.Code(stage)).Observe(seconds);

        if (!instance.Status.IsTerminal() || before.Status.IsTerminal()) return;
        var ended = instance.FinishedAt ?? instance.UpdatedAt;
        var result = instance.Status switch
        {
            WorkflowStatus.Finished => "success",
            WorkflowStatus.Faulted => "failed",
            _ => "cancelled",
        };
        switch (instance.Status)
        {
            case WorkflowStatus.Finished:
                metrics.JobsSuccess.WithLabels(workflow).Inc();
                break;
            case WorkflowStatus.Faulted:
                metrics.JobsFailed.WithLabels(workflow, instance.Fault?.ErrorClass is { } errorClass ? P4FlowMetrics.Code(errorClass) : "UNKNOWN").Inc();
                break;
            default:
                metrics.JobsCancelled.WithLabels(workflow).Inc();
                break;
        }
        metrics.JobDuration.WithLabels(workflow, result).Observe(Math.Max(0, (ended - instance.CreatedAt).TotalSeconds));
    }

    public void RetryScheduled(WorkflowInstance instance, ActivityRetry retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        metrics.JobRetries.WithLabels(P4FlowMetrics.Code(retry.ErrorClass)).Inc();
    }
}
