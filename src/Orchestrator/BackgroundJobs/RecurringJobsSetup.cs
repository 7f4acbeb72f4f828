using Hangfire;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>Registers the recurring background jobs with their configured intervals.</summary>
internal sealed class RecurringJobsSetup(IRecurringJobManager recurring, IBackgroundJobClient jobs, IOptions<StateManagementOptions> state) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<ResolveWatcher>(ResolveWatcher.JobName, w => w.RunAsync(CancellationToken.None), BackgroundJobsExtensions.EverySeconds(state.Value.ResolveCheckInterval));
        recurring.AddOrUpdate<JobCleanupJobs>(JobCleanupJobs.SweepJobName, c => c.SweepAsync(false, CancellationToken.None), BackgroundJobsExtensions.EverySeconds(600));
        // Once now: the cleanups a previous run had queued died with its in-memory queue.
        jobs.Enqueue<JobCleanupJobs>(c => c.SweepAsync(true, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
