using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Hub;

/// <summary>Frees a job's agent when the job ends, cancels what it still had running there and tells the agent (its folder goes).</summary>
internal sealed class HubJobObserver(AgentRegistry registry) : IWorkflowObserver
{
    public void JobCreated(WorkflowInstance instance)
    {
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Status.IsTerminal() && !before.Status.IsTerminal()) registry.ReleaseJob(instance.Id, $"job {instance.Status.ToString().ToUpperInvariant()}", instance.Status == WorkflowStatus.Finished);
    }
}
