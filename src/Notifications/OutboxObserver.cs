using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Notifications;

/// <summary>Starts delivery as soon as a step that wrote messages has committed them.</summary>
internal sealed class OutboxObserver(IDeliveryTrigger trigger) : IWorkflowObserver
{
    public void JobCreated(WorkflowInstance instance)
    {
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        if (changes.Outbox.Count > 0) trigger.DeliverSoon();
    }
}
