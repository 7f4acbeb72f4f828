using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// A log event for each stage a job enters and for its end. Observers run inside the worker's logging scope, so
/// these events carry job_id, workflow and stage like everything else logged while the job advances.
/// </summary>
internal sealed partial class JobEventLog(ILogger<JobEventLog> logger) : IWorkflowObserver
{
    public void JobCreated(WorkflowInstance instance)
    {
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        foreach (var entered in StepStages.Entered(instance, before))
        {
            // The end of a job has an event of its own.
            if (entered.Stage is not (WorkflowInstance.CompletedStage or WorkflowInstance.FailedStage or WorkflowInstance.CancelledStage))
            {
                if (entered.Reason is null) StageEntered(logger, instance.Id, entered.Stage);
                else StageEnteredBecause(logger, instance.Id, entered.Stage, entered.Reason);
            }
        }

        if (!instance.Status.IsTerminal() || before.Status.IsTerminal()) return;
        var seconds = Math.Round(((instance.FinishedAt ?? instance.UpdatedAt) - instance.CreatedAt).TotalSeconds, 3);
        switch (instance.Status)
        {
            case WorkflowStatus.Finished:
                JobCompleted(logger, instance.Id, seconds);
                break;
            case WorkflowStatus.Faulted:
                JobFailed(logger, instance.Id, before.Stage, instance.Fault?.ErrorClass ?? "UNKNOWN", instance.Fault?.Message, seconds);
                break;
            default:
                JobCancelled(logger, instance.Id, before.Stage, instance.Fault?.Message, seconds);
                break;
        }
    }

    [LoggerMessage(6201, LogLevel.Information, "Job {JobId} entered stage {Stage}")]
    private static partial void StageEntered(ILogger logger, string jobId, string stage);

    [LoggerMessage(6205, LogLevel.Information, "Job {JobId} entered stage {Stage}: {Reason}")]
    private static partial void StageEnteredBecause(ILogger logger, string jobId, string stage, string reason);

    [LoggerMessage(6202, LogLevel.Information, "Job {JobId} completed in {Seconds} s")]
    private static partial void JobCompleted(ILogger logger, string jobId, double seconds);

    [LoggerMessage(6203, LogLevel.Warning, "Job {JobId} failed in stage {FailedStage} ({ErrorClass}): {Reason}; ran {Seconds} s")]
    private static partial void JobFailed(ILogger logger, string jobId, string? failedStage, string errorClass, string? reason, double seconds);

    [LoggerMessage(6204, LogLevel.Information, "Job {JobId} cancelled in stage {CancelledStage}: {Reason}; ran {Seconds} s")]
    private static partial void JobCancelled(ILogger logger, string jobId, string? cancelledStage, string? reason, double seconds);
}
