using Microsoft.Extensions.Logging;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>One job's <see cref="IJobWaits"/>: stage changes through the runtime's compare-and-set, under the job's lock.</summary>
internal sealed class JobWaits(WorkflowRuntime runtime, string jobId, ILogger logger) : IJobWaits
{
    public async Task<string?> EnterAsync(string waitStage, string reason, CancellationToken cancellationToken)
    {
        try
        {
            string? left = null;
            await runtime.ChangeStageAsync(jobId, instance =>
            {
                if (instance.Status.IsTerminal() || instance.CurrentStage is not { } stage || stage == waitStage) return null;
                left = stage;
                return (stage, waitStage);
            }, reason, cancellationToken).ConfigureAwait(false);
            return left;
        }
        catch (WorkflowNotFoundException ex)
        {
            WorkflowLog.StageNotChanged(logger, jobId, ex.Message);
            return null;
        }
    }

    public async Task LeaveAsync(string waitStage, string backTo, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.ChangeStageAsync(jobId, instance =>
            {
                if (instance.Status.IsTerminal() || instance.CurrentStage != waitStage)
                {
                    WorkflowLog.StageNotChanged(logger, jobId, $"it is {instance.Status} in stage {instance.CurrentStage ?? "(none)"}, not waiting in {waitStage}");
                    return null;
                }
                return (waitStage, backTo);
            }, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowNotFoundException ex)
        {
            WorkflowLog.StageNotChanged(logger, jobId, ex.Message);
        }
    }
}
