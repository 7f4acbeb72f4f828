using System.Globalization;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Notifications;

/// <summary>
/// The job events people are told about, written to the outbox with the step that caused them: a job parked in
/// NEEDS_RESOLVE, a job that failed, a job that completed.
/// </summary>
internal sealed class JobEvents(NotificationOutbox outbox) : IWorkflowEventSource
{
    public void Collect(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        var topic = TopicOf(instance, before);
        if (topic is null || !outbox.Routes(topic)) return;
        var payload = JobPayload.Of(instance, outbox.Options);
        // A job parks again after each Continue that let it go on and a later pass found conflicts: each parking is its own event.
        var key = topic == Topics.NeedsResolve
            ? $"{instance.Id}/{topic}/{JobPayload.EnteredStage(instance).Ticks.ToString(CultureInfo.InvariantCulture)}"
            : $"{instance.Id}/{topic}";
        changes.Outbox.AddRange(outbox.MessagesFor(topic, key, instance.Id, payload));
    }

    private static string? TopicOf(WorkflowInstance instance, JobSnapshot before)
    {
        if (instance.Status == WorkflowStatus.Faulted && before.Status != WorkflowStatus.Faulted) return Topics.Failed;
        if (instance.Status == WorkflowStatus.Finished && before.Status != WorkflowStatus.Finished) return Topics.Completed;
        if (instance.Status == WorkflowStatus.Suspended && instance.CurrentStage == JobPayload.NeedsResolveStage && before.Stage != JobPayload.NeedsResolveStage)
            return Topics.NeedsResolve;
        return null;
    }
}
