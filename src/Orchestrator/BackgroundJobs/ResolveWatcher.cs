using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Observability;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>
/// The recurring background job: runs `resolve -n` for every job in NEEDS_RESOLVE and moves a clean one on. A pass
/// pages by job id (keyset), so jobs leaving the stage meanwhile make it skip none of the others, checks
/// state_management.resolve_check_concurrency jobs at once, and each job only when its <see cref="ResolveSchedule"/>
/// says it is due (jobs parked long and untouched are checked less often).
/// </summary>
internal sealed partial class ResolveWatcher(
    IWorkflowStore store,
    ResolveContinuation continuation,
    ResolveSchedule schedule,
    P4Client p4,
    P4FlowMetrics metrics,
    IOptions<StateManagementOptions> options,
    ILogger<ResolveWatcher> logger)
{
    public const string JobName = "resolve-watcher";
    private const int PageSize = 200;

    [Hangfire.DisableConcurrentExecution(timeoutInSeconds: 60)]
    [Hangfire.AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.ResolveCheckConcurrency, CancellationToken = cancellationToken };
        var after = "";
        var parked = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var waiting = await store.QueryInstancesAsync(new InstanceQuery(WorkflowStatus.Suspended, ResolveContinuation.Stage, PageSize: PageSize, After: after), cancellationToken).ConfigureAwait(false);
            parked.UnionWith(waiting.Items.Select(j => j.Id));
            await Parallel.ForEachAsync(waiting.Items.Where(schedule.Due), parallel, (job, token) => new ValueTask(CheckAsync(job, token))).ConfigureAwait(false);
            if (waiting.Items.Count < PageSize) break;
            after = waiting.Items[^1].Id;
        }
        schedule.KeepOnly(parked);
    }

    private async Task CheckAsync(WorkflowInstance job, CancellationToken cancellationToken)
    {
        string server;
        try
        {
            server = p4.ServerOf(job).Name;
        }
        catch (ActivityInputException)
        {
            server = "unknown";
        }
        using var slot = await schedule.PaceAsync(server, cancellationToken).ConfigureAwait(false);
        schedule.Checked(job.Id);
        try
        {
            var result = await continuation.ContinueAsync(job.Id, ResolveContinuation.Watcher, cancellationToken).ConfigureAwait(false);
            metrics.WatcherChecked(server, result.ConflictsResolved ? "moved_on" : "conflicts");
            if (result.ConflictsResolved) LogMovedOn(logger, job.Id);
        }
        catch (WorkflowConflictException ex)
        {
            // Moved on meanwhile, the server down, or failed now because its agent is lost: the other jobs are still checked.
            metrics.WatcherChecked(server, "not_checked");
            LogSkipped(logger, job.Id, ex.Message);
        }
    }

    [LoggerMessage(3001, LogLevel.Information, "Job {JobId}: conflicts resolved, moving on to RESOLVE_CHECK")]
    private static partial void LogMovedOn(ILogger logger, string jobId);

    [LoggerMessage(3002, LogLevel.Warning, "Job {JobId} skipped by the resolve watcher: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string jobId, string reason);
}
