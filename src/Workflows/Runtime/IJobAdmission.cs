using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// The engine's port to admission control: whether a new job runs now or waits in <see cref="WorkflowInstance.QueuedStage"/>
/// for room. The host plugs in its quotas and priorities (the orchestrator's AdmissionControl); the engine's own
/// admits every job at once.
/// </summary>
/// <remarks>
/// A job that waits is created in QUEUED and handed to <see cref="Wait"/> after it is stored; from then on the admission
/// owns it and calls <see cref="IBackgroundActivityScheduler.ScheduleRun"/> when its turn comes. What a job holds is
/// released when it ends, whichever way (the admission watches the jobs as an observer).
/// </remarks>
public interface IJobAdmission
{
    /// <summary>Takes the job's share now if there is room and nobody waits ahead of it; false: it must wait.</summary>
    bool TryAdmit(WorkflowInstance instance);

    /// <summary>The stored job waits its turn; its run is scheduled when it is admitted.</summary>
    void Wait(WorkflowInstance instance);

    /// <summary>The job <see cref="TryAdmit"/> let in was not stored after all: it holds nothing.</summary>
    void Withdraw(string instanceId);

    /// <summary>A job a previous run of the host started and left unfinished: it holds its share again.</summary>
    void Readmit(WorkflowInstance instance);
}

/// <summary>No limits: every job runs at once.</summary>
public sealed class UnlimitedAdmission(IBackgroundActivityScheduler scheduler) : IJobAdmission
{
    public bool TryAdmit(WorkflowInstance instance) => true;

    public void Wait(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        scheduler.ScheduleRun(instance.Id, instance.Queue);
    }

    public void Withdraw(string instanceId)
    {
    }

    public void Readmit(WorkflowInstance instance)
    {
    }
}
