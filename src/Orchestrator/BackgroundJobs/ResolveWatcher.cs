using P4Flow.Activities.Perforce;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>The recurring background job: runs `resolve -n` for every job in NEEDS_RESOLVE and moves a clean one on.</summary>
internal sealed partial class ResolveWatcher(IWorkflowStore store, ResolveContinuation continuation, ILogger<ResolveWatcher> logger)
{
    public const string JobName = "resolve-watcher";
    private const int PageSize = 200;

    [Hangfire.DisableConcurrentExecution(timeoutInSeconds: 60)]
    [Hangfire.AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        for (var page = 1; ; page++)
        {
            var waiting = await store.QueryInstancesAsync(new InstanceQuery(WorkflowStatus.Suspended, ResolveContinuation.Stage, Page: page, PageSize: PageSize), cancellationToken).ConfigureAwait(false);
            foreach (var job in waiting.Items)
            {
                try
                {
                    var result = await continuation.ContinueAsync(job.Id, ResolveContinuation.Watcher, cancellationToken).ConfigureAwait(false);
                    if (result.ConflictsResolved) LogMovedOn(logger, job.Id);
                }
                catch (WorkflowConflictException ex)
                {
                    // Moved on meanwhile, or failed now because its agent is lost: the other jobs are still checked.
                    LogSkipped(logger, job.Id, ex.Message);
                }
            }
            if (page * PageSize >= waiting.Total) break;
        }
    }

    [LoggerMessage(3001, LogLevel.Information, "Job {JobId}: conflicts resolved, moving on to RESOLVE_CHECK")]
    private static partial void LogMovedOn(ILogger logger, string jobId);

    [LoggerMessage(3002, LogLevel.Warning, "Job {JobId} skipped by the resolve watcher: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string jobId, string reason);
}
