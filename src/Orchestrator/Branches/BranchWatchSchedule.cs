using Hangfire;
using Microsoft.Extensions.Options;
using P4Flow.Branches;
using P4Flow.Branches.Watch;
using P4Flow.Orchestrator.BackgroundJobs;

namespace P4Flow.Orchestrator.Branches;

/// <summary>The bot's pass as a recurring background job every branches.poll_interval seconds (one at a time: passes never overlap).</summary>
internal sealed class BranchWatchSchedule(IRecurringJobManager recurring, IOptions<BranchesOptions> options) : IHostedService
{
    public const string JobName = "branch-watch";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<BranchWatcher>(JobName, w => w.RunAsync(CancellationToken.None), BackgroundJobsExtensions.EverySeconds(options.Value.PollInterval));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
