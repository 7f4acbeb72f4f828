using Hangfire;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// The gauges over state, computed from the store and Hangfire at every scrape: they are right from the first scrape
/// after a restart, and whichever orchestrator is scraped when several share a store. What each job contributes is
/// kept by its revision, so a scrape reads only the jobs that changed since the last one (thousands of parked jobs
/// would otherwise be read, whole, every 15 seconds).
/// </summary>
internal sealed partial class StateMetrics(P4FlowMetrics metrics, IWorkflowStore store, JobStorage hangfire, TimeProvider clock, ILogger<StateMetrics> logger) : IDisposable
{
    public const string NeedsResolve = "NEEDS_RESOLVE";
    private const int ReadAtOnce = 500;

    private readonly HashSet<string> _stagesSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Seen> _jobs = new(StringComparer.Ordinal);
    // Two scrapes at once must not interleave their reads and writes of the jobs kept and the gauges.
    private readonly SemaphoreSlim _scrape = new(1, 1);

    /// <summary>What a job contributes to the gauges, as of one revision.</summary>
    private sealed record Seen(int Revision, string? Stage, DateTime EnteredStage, DateTime CreatedAt);

    public async Task UpdateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _scrape.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var revisions = await store.ListUnfinishedRevisionsAsync(cancellationToken).ConfigureAwait(false);
                foreach (var gone in _jobs.Keys.Where(id => !revisions.ContainsKey(id)).ToList()) _jobs.Remove(gone);
                var changed = revisions.Where(r => !_jobs.TryGetValue(r.Key, out var seen) || seen.Revision != r.Value).Select(r => r.Key).ToList();
                foreach (var ids in changed.Chunk(ReadAtOnce))
                {
                    foreach (var job in await store.GetInstancesAsync(ids, cancellationToken).ConfigureAwait(false))
                    {
                        // Ended between the two reads: not counted, and forgotten at the next scrape.
                        if (!job.Status.IsTerminal()) _jobs[job.Id] = new Seen(job.Revision, job.CurrentStage, EnteredCurrentStage(job), job.CreatedAt);
                    }
                }
                UpdateJobs([.. revisions.Keys.Where(_jobs.ContainsKey).Select(id => _jobs[id])]);
            }
            finally
            {
                _scrape.Release();
            }
            UpdateQueues();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A scrape still answers, with the values of the last good one.
            ObservabilityLog.StateMetricsFailed(logger, ex);
        }
    }

    public void Dispose() => _scrape.Dispose();

    private void UpdateJobs(IReadOnlyList<Seen> unfinished)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var waiting = unfinished.Where(j => j.Stage == NeedsResolve).ToList();
        metrics.JobsInProgress.Set(unfinished.Count);
        metrics.JobsNeedsResolve.Set(waiting.Count);
        metrics.NeedsResolveOldest.Set(waiting.Select(j => Seconds(now - j.EnteredStage)).DefaultIfEmpty(0).Max());
        metrics.OldestJobAge.Set(unfinished.Where(j => j.Stage != NeedsResolve).Select(j => Seconds(now - j.CreatedAt)).DefaultIfEmpty(0).Max());

        var byStage = unfinished.GroupBy(j => P4FlowMetrics.Code(j.Stage ?? "NONE")).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        _stagesSeen.UnionWith(byStage.Keys);
        foreach (var stage in _stagesSeen) metrics.JobsInStage.WithLabels(stage).Set(byStage.GetValueOrDefault(stage));
    }

    private void UpdateQueues()
    {
        var monitoring = hangfire.GetMonitoringApi();
        foreach (var queue in WorkflowRuntime.Queues) metrics.QueueDepth.WithLabels(queue).Set(monitoring.EnqueuedCount(queue));
    }

    private static DateTime EnteredCurrentStage(WorkflowInstance job) =>
        job.StageHistory.LastOrDefault(s => s.Stage == job.CurrentStage)?.EnteredAt ?? job.UpdatedAt;

    private static double Seconds(TimeSpan span) => Math.Max(0, span.TotalSeconds);
}
