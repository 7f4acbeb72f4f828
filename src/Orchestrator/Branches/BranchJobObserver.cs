using Hangfire;
using P4Flow.Branches.Watch;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Branches;

/// <summary>A bot's job that ended or parked lets its edge's next change start now, not at the next poll.</summary>
internal sealed class BranchJobObserver(IBackgroundJobClient jobs, BranchJobMoves moves) : IWorkflowObserver
{
    public void JobCreated(WorkflowInstance instance)
    {
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        if (instance.StartedBy != WorkflowBranchJobs.StartedBy) return;
        // Ended, or parked for a person: either way its edge's next change may go (unless it shares files with it).
        var ended = instance.Status.IsTerminal() && !before.Status.IsTerminal();
        var parked = instance.CurrentStage == WorkflowBranchJobs.NeedsResolveStage && before.Stage != WorkflowBranchJobs.NeedsResolveStage;
        // The watcher asks the store only about parked jobs noted here (and all of them now and then).
        if (before.Stage == WorkflowBranchJobs.NeedsResolveStage && (instance.CurrentStage != WorkflowBranchJobs.NeedsResolveStage || ended)) moves.LeftParking(instance.Id);
        if (ended || parked) jobs.Enqueue<BranchWatcher>(w => w.RunAsync(CancellationToken.None));
    }
}
