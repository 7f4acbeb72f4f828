using P4Flow.Branches;
using P4Flow.Branches.Store;
using P4Flow.Studio.Services;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Branches;

/// <summary>The branch graph for the Studio's Branches pages: the graph, each edge's changes, a person's actions on them, and their moves as they happen.</summary>
internal sealed class StudioBranchGraph(BranchGraphService graphs, BranchLedger ledger, BranchChangeActions actions, Microsoft.Extensions.Options.IOptions<BranchesOptions> options) : IBranchGraphView
{
    public async Task<BranchGraphInfo> GetAsync(CancellationToken cancellationToken)
    {
        var stored = await graphs.GetAsync(cancellationToken).ConfigureAwait(false);
        var edges = new List<BranchEdgeInfo>();
        foreach (var e in stored.Graph.Edges)
        {
            var open = await ledger.ListAsync(e.Id, ChangeStatus.Open, 1000, cancellationToken).ConfigureAwait(false);
            // A change parked, failed or shelved for its owner holds its lane: the edge is blocked on it.
            var blocking = open.FirstOrDefault(c => c.Status is ChangeStatus.NeedsResolve or ChangeStatus.Failed or ChangeStatus.Shelved);
            edges.Add(new BranchEdgeInfo(e.Id, e.Source, e.Target, e.Workflow, e.Flow,
                e.Gate is { Counter: { Length: > 0 } counter } ? $"counter {counter}" : e.Gate?.Url is { Length: > 0 } url ? $"url {url}" : null, e.Paused)
            {
                Open = open.Count,
                Blocked = blocking is null ? null : new BlockingChange(blocking.Change, options.Value.OwnerOf(blocking.User), blocking.Status, blocking.UpdatedAt),
            });
        }
        return new BranchGraphInfo(stored.Revision, [.. stored.Graph.Nodes.Select(n => new BranchNodeInfo(n.Name, n.Path, n.Server))], edges);
    }

    public async Task SetPausedAsync(string edgeId, bool paused, string? by, CancellationToken cancellationToken)
    {
        if (await graphs.SetPausedAsync(edgeId, paused, by, cancellationToken).ConfigureAwait(false) is null)
            throw new WorkflowNotFoundException($"The branch graph has no edge {edgeId}.");
    }

    public Task ActAsync(string edgeId, int change, string action, string? reason, string? by, CancellationToken cancellationToken) =>
        actions.ActAsync(edgeId, change, action, by, reason, cancellationToken);

    /// <summary>The ledger's writes (the bot's and people's): every move of a change, a job's start and end among them.</summary>
    public IDisposable Subscribe(Action<string> edgeChanged)
    {
        ArgumentNullException.ThrowIfNull(edgeChanged);
        void Handler(string edgeId)
        {
            try
            {
                edgeChanged(edgeId);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
            {
                // The circuit went away between its last render and this write: the writer must not fail for it.
            }
        }
        ledger.Changed += Handler;
        return new Subscription(() => ledger.Changed -= Handler);
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) unsubscribe();
        }
    }

    public async Task<IReadOnlyList<BranchChangeInfo>> ChangesAsync(string edgeId, int limit, CancellationToken cancellationToken) =>
        [.. (await ledger.ListAsync(edgeId, null, limit, cancellationToken).ConfigureAwait(false))
            .Select(c => new BranchChangeInfo(c.Change, c.User, c.Description.Split('\n', 2)[0].Trim(), c.Status, c.JobId, c.TargetChange, c.Reason, c.UpdatedAt) { Owner = options.Value.OwnerOf(c.User) })];
}
