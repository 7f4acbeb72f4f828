using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Admission;

/// <summary>Tells admission when a job ends (it frees its share, whichever way it ended) and when it parks for a person or goes on.</summary>
internal sealed class AdmissionObserver(AdmissionControl admission) : IWorkflowObserver
{
    public void JobCreated(WorkflowInstance instance)
    {
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Status.IsTerminal()) admission.Ended(instance.Id);
        else admission.Park(instance.Id, AdmissionControl.IsParked(instance));
    }
}

/// <summary>Looks at the queue each second (aging, agents that connected or freed a slot) and at once when an operator resumes.</summary>
internal sealed class AdmissionPump(AdmissionControl admission, Studio.Services.IOperationsControl operations) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void OnChanged(object? sender, EventArgs e) => admission.Pump();
        operations.Changed += OnChanged;
        try
        {
            using var timer = new PeriodicTimer(Every);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) admission.Pump();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            operations.Changed -= OnChanged;
        }
    }
}
