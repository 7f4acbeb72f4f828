using Hangfire;
using Microsoft.Extensions.Options;
using P4Flow.Notifications;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>Registers the notification rounds, and delivers at once what a previous run left in the outbox.</summary>
internal sealed class NotificationJobsSetup(IRecurringJobManager recurring, IBackgroundJobClient jobs, IOptions<NotificationOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var queue = new RecurringJobOptions();
        recurring.AddOrUpdate<NotificationJobs>(NotificationJobs.DeliveryJobName, NotificationJobs.Queue, j => j.DeliverAsync(CancellationToken.None), BackgroundJobsExtensions.EverySeconds(30), queue);
        recurring.AddOrUpdate<NotificationJobs>(NotificationJobs.ReminderJobName, NotificationJobs.Queue, j => j.RemindAsync(CancellationToken.None),
            BackgroundJobsExtensions.EverySeconds(options.Value.ReminderCheckInterval), queue);
        // Messages written before a crash or a stop (the outbox is durable, Hangfire's queue here is not).
        jobs.Enqueue<NotificationJobs>(j => j.DeliverAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
