using Hangfire;
using P4Flow.Notifications;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>
/// The notification background jobs, on a queue and workers of their own so a slow SMTP server never takes a worker
/// from a job: delivery (started by each new message, again when the next retry is due, and every 30 s in case a
/// start was lost), and the reminders of jobs parked in NEEDS_RESOLVE.
/// </summary>
internal sealed class NotificationJobs(NotificationDelivery delivery, Reminders reminders, IOutboxStore outbox, HangfireDeliveryTrigger trigger, IBackgroundJobClient jobs, TimeProvider clock)
{
    public const string Queue = "notifications";
    public const string DeliveryJobName = "notification-delivery";
    public const string ReminderJobName = "notification-reminders";

    [Queue(Queue)]
    [AutomaticRetry(Attempts = 0)]
    public async Task DeliverAsync(CancellationToken cancellationToken)
    {
        trigger.Started();
        await delivery.DeliverDueAsync(cancellationToken).ConfigureAwait(false);
        // The next retry is kept in the outbox, so it survives a restart; this only saves waiting for the 30 s round.
        if (await outbox.NextOutboxDueAsync(cancellationToken).ConfigureAwait(false) is { } next)
        {
            var wait = next - clock.GetUtcNow().UtcDateTime;
            if (wait < TimeSpan.FromSeconds(30)) jobs.Schedule<NotificationJobs>(j => j.DeliverAsync(CancellationToken.None), wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
        }
    }

    [Queue(Queue)]
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public Task RemindAsync(CancellationToken cancellationToken) => reminders.RunAsync(cancellationToken);
}

/// <summary>Enqueues one delivery job when messages were written, unless one is already waiting to start.</summary>
internal sealed class HangfireDeliveryTrigger(IBackgroundJobClient jobs) : IDeliveryTrigger
{
    private int _waiting;

    public void DeliverSoon()
    {
        if (Interlocked.Exchange(ref _waiting, 1) == 1) return;
        jobs.Enqueue<NotificationJobs>(j => j.DeliverAsync(CancellationToken.None));
    }

    /// <summary>The waiting job started: messages written from now on need a new one.</summary>
    public void Started() => Interlocked.Exchange(ref _waiting, 0);
}
