using Hangfire;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// The gauges over state, computed from the store and Hangfire at every scrape: they are right from the first scrape
/// after a restart, and whichever orchestrator is scraped when several share a store.
/// </summary>
internal sealed partial class StateMetrics(P4FlowMetrics metrics, IWorkflowStore store, JobStorage hangfire, TimeProvider clock, ILogger<StateMetrics> logger)
{
    public const string NeedsResolve = "NEEDS_RESOLVE";

    private readonly HashSet<string> _stagesSeen = new(StringComparer.Ordinal);

    public async Task UpdateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var unfinished = await store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
            // Two scrapes at once must not interleave their writes of the stage gauges.
            lock (_stagesSeen) UpdateJobs(unfinished);
            UpdateQueues();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A scrape still answers, with the values of the last good one.
            ObservabilityLog.StateMetricsFailed(logger, ex);
        }
    }

    private void UpdateJobs(IReadOnlyList<WorkflowInstance> unfinished)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var waiting = unfinished.Where(j => j.CurrentStage == NeedsResolve).ToList();
        metrics.JobsInProgress.Set(unfinished.Count);
        metrics.JobsNeedsResolve.Set(waiting.Count);
        metrics.NeedsResolveOldest.Set(waiting.Select(j => Seconds(now - EnteredCurrentStage(j))).DefaultIfEmpty(0).Max());
        metrics.OldestJobAge.Set(unfinished.Except(waiting).Select(j => Seconds(now - j.CreatedAt)).DefaultIfEmpty(0).Max());

        var byStage = unfinished.GroupBy(j => P4FlowMetrics.Code(j.CurrentStage ?? "NONE")).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
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
