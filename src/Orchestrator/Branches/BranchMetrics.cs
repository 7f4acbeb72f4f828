using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;
using P4Flow.Orchestrator.Observability;
using Prometheus;

namespace P4Flow.Orchestrator.Branches;

/// <summary>
/// The bot's metrics per edge (an edge's id, "main -> rel", is a label: the graph bounds them): its open changes by
/// status and how long the oldest blocking one (parked or failed) and the oldest open one have waited, read from the
/// ledger at every scrape; and how long a change took from being seen on its source to being integrated.
/// </summary>
internal sealed class BranchMetrics : IHostedService, IBranchObserver
{
    private readonly P4FlowMetrics _metrics;
    private readonly BranchLedger _ledger;
    private readonly TimeProvider _clock;
    private readonly Gauge _changes;
    private readonly Gauge _blocked;
    private readonly Gauge _lag;
    private readonly Histogram _propagation;
    private readonly Histogram _resolve;
    private readonly HashSet<string> _edgesSeen = new(StringComparer.Ordinal);

    public BranchMetrics(P4FlowMetrics metrics, BranchLedger ledger, TimeProvider clock)
    {
        _metrics = metrics;
        _ledger = ledger;
        _clock = clock;
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        _changes = factory.CreateGauge("p4_branch_changes", "Open changes of an edge by status (pending, awaiting_approval, integrating, needs_resolve, failed, shelved).", "edge", "status");
        _blocked = factory.CreateGauge("p4_branch_blocked_seconds", "How long the oldest change holding others on the edge (parked for a person, shelved for its owner, or failed) has done so; 0 when none does.", "edge");
        _lag = factory.CreateGauge("p4_branch_lag_seconds", "How long the oldest open change of the edge has waited since the bot saw it; 0 when none is open.", "edge");
        _propagation = factory.CreateHistogram("p4_branch_propagation_seconds", "Time from the bot seeing a change on its source to its integration on the target.",
            ["edge"], new HistogramConfiguration { Buckets = [10, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600] });
        _resolve = factory.CreateHistogram("p4_branch_resolve_seconds", "Time a change held its lane for a person: from parking in NEEDS_RESOLVE to moving on (resolved, stomped, or its shelf submitted by its owner).",
            ["edge"], new HistogramConfiguration { Buckets = [60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 72 * 3600] });
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _metrics.Registry.AddBeforeCollectCallback(UpdateAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Integrated(string edgeId, int change, DateTime seenAt, DateTime integratedAt) =>
        _propagation.WithLabels(edgeId).Observe(Math.Max(0, (integratedAt - seenAt).TotalSeconds));

    public void Resolved(string edgeId, int change, DateTime parkedAt, DateTime resolvedAt) =>
        _resolve.WithLabels(edgeId).Observe(Math.Max(0, (resolvedAt - parkedAt).TotalSeconds));

    private async Task UpdateAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<EdgeStatusCount> summary;
        try
        {
            summary = await _ledger.SummaryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return; // a scrape still answers, with the last values
        }
        var now = _clock.GetUtcNow().UtcDateTime;
        lock (_edgesSeen)
        {
            _edgesSeen.UnionWith(summary.Select(s => s.EdgeId));
            foreach (var edge in _edgesSeen)
            {
                var mine = summary.Where(s => s.EdgeId == edge).ToList();
                foreach (var status in ChangeStatus.Open) _changes.WithLabels(edge, status).Set(mine.Where(s => s.Status == status).Sum(s => s.Count));
                var blocking = mine.Where(s => s.Status is ChangeStatus.NeedsResolve or ChangeStatus.Failed or ChangeStatus.Shelved).ToList();
                _blocked.WithLabels(edge).Set(blocking.Count == 0 ? 0 : Math.Max(0, (now - blocking.Min(s => s.OldestSince)).TotalSeconds));
                _lag.WithLabels(edge).Set(mine.Count == 0 ? 0 : Math.Max(0, (now - mine.Min(s => s.OldestSeen)).TotalSeconds));
            }
        }
    }
}
