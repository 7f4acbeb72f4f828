using Microsoft.Extensions.Logging;
using P4Flow.Branches.Graph;
using P4Flow.Branches.Store;

namespace P4Flow.Branches.Watch;

/// <summary>
/// The integration bot's loop. Poll: for each edge, the source's submitted changes after the edge's cursor are recorded
/// (the cursor moves with them); an edge seen for the first time starts at the source's newest change, so only what is
/// submitted from then on flows. Dispatch: each edge integrates one change at a time, in changelist order; the next
/// starts when the job of the one before has ended. What an edge does with each change is <see cref="ChangeRules"/>'.
/// </summary>
public sealed partial class BranchWatcher(BranchGraphService graphs, BranchLedger ledger, IBranchServer server, IBranchJobs jobs, ILogger<BranchWatcher> logger) : IDisposable
{
    private readonly SemaphoreSlim _once = new(1, 1);

    /// <summary>One pass: poll every edge that is not paused, then start what may start. Passes never overlap.</summary>
    /// <returns>How many changes were recorded.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await _once.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var graph = (await graphs.GetAsync(cancellationToken).ConfigureAwait(false)).Graph;
            var recorded = 0;
            foreach (var edge in graph.Edges.Where(e => !e.Paused))
                recorded += await PollAsync(graph, edge, cancellationToken).ConfigureAwait(false);
            foreach (var edge in graph.Edges.Where(e => !e.Paused))
                await DispatchAsync(graph, edge, cancellationToken).ConfigureAwait(false);
            return recorded;
        }
        finally
        {
            _once.Release();
        }
    }

    public void Dispose() => _once.Dispose();

    private async Task<int> PollAsync(BranchGraph graph, BranchEdge edge, CancellationToken cancellationToken)
    {
        if (graph.Node(edge.Source) is not { } source || graph.Node(edge.Target) is not { } target) return 0;
        var serverName = server.NameOf(source.Server);
        var cursor = await ledger.CursorAsync(edge.Id, cancellationToken).ConfigureAwait(false);
        if (cursor is null)
        {
            var newest = await server.ChangesAsync(source.Server, source.Path, null, cancellationToken).ConfigureAwait(false);
            var start = newest.Count == 0 ? 0 : newest.Max(c => c.Number);
            await ledger.RecordAsync(edge.Id, serverName, start, [], cancellationToken).ConfigureAwait(false);
            LogStarted(logger, edge.Id, start);
            return 0;
        }
        var changes = await server.ChangesAsync(source.Server, source.Path, cursor, cancellationToken).ConfigureAwait(false);
        var fresh = changes.Where(c => c.Number > cursor).OrderBy(c => c.Number).ToList();
        if (fresh.Count == 0) return 0;
        await ledger.RecordAsync(edge.Id, serverName, fresh[^1].Number, [.. fresh.Select(c =>
        {
            var (status, reason) = ChangeRules.Decide(c, edge, target);
            return (c, status, reason);
        })], cancellationToken).ConfigureAwait(false);
        LogRecorded(logger, edge.Id, fresh.Count, fresh[0].Number, fresh[^1].Number);
        return fresh.Count;
    }

    private async Task DispatchAsync(BranchGraph graph, BranchEdge edge, CancellationToken cancellationToken)
    {
        // One change at a time, in order: a change in flight or a failure holds the edge.
        string[] open = [ChangeStatus.Integrating, ChangeStatus.Failed, ChangeStatus.Pending];
        var first = await ledger.ListAsync(edge.Id, open, 1, cancellationToken).ConfigureAwait(false);
        if (first is [{ Status: ChangeStatus.Integrating, JobId: { } running } current])
        {
            // Its job's end, whenever it came (this pass is also what a job's end starts, and what a restart runs).
            if (await jobs.OutcomeAsync(running, cancellationToken).ConfigureAwait(false) is not { } ended) return;
            await ledger.MoveAsync(edge.Id, current.Change, ChangeStatus.Integrating, ended.Succeeded ? ChangeStatus.Integrated : ChangeStatus.Failed,
                null, ended.TargetChange, ended.Reason, cancellationToken).ConfigureAwait(false);
            first = await ledger.ListAsync(edge.Id, open, 1, cancellationToken).ConfigureAwait(false);
        }
        if (first is not [{ Status: ChangeStatus.Pending } next]) return;
        var jobId = await jobs.StartAsync(edge, graph.Node(edge.Source)!, graph.Node(edge.Target)!, next, cancellationToken).ConfigureAwait(false);
        await ledger.MoveAsync(edge.Id, next.Change, ChangeStatus.Pending, ChangeStatus.Integrating, jobId, null, null, cancellationToken).ConfigureAwait(false);
        LogDispatched(logger, edge.Id, next.Change, jobId);
    }

    [LoggerMessage(8101, LogLevel.Information, "Edge {Edge}: watching from change {Change} on")]
    private static partial void LogStarted(ILogger logger, string edge, int change);

    [LoggerMessage(8102, LogLevel.Information, "Edge {Edge}: {Count} new change(s), {First} to {Last}")]
    private static partial void LogRecorded(ILogger logger, string edge, int count, int first, int last);

    [LoggerMessage(8103, LogLevel.Information, "Edge {Edge}: change {Change} integrates in job {JobId}")]
    private static partial void LogDispatched(ILogger logger, string edge, int change, string jobId);
}
