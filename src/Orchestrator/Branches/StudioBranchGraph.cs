using P4Flow.Branches;
using P4Flow.Studio.Services;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Branches;

/// <summary>The branch graph for the Studio's Branches page.</summary>
internal sealed class StudioBranchGraph(BranchGraphService graphs) : IBranchGraphView
{
    public async Task<BranchGraphInfo> GetAsync(CancellationToken cancellationToken)
    {
        var stored = await graphs.GetAsync(cancellationToken).ConfigureAwait(false);
        return new BranchGraphInfo(stored.Revision,
            [.. stored.Graph.Nodes.Select(n => new BranchNodeInfo(n.Name, n.Path, n.Server))],
            [.. stored.Graph.Edges.Select(e => new BranchEdgeInfo(e.Id, e.Source, e.Target, e.Workflow, e.Flow,
                e.Gate is { Counter: { Length: > 0 } counter } ? $"counter {counter}" : e.Gate?.Url is { Length: > 0 } url ? $"url {url}" : null, e.Paused))]);
    }

    public async Task SetPausedAsync(string edgeId, bool paused, string? by, CancellationToken cancellationToken)
    {
        if (await graphs.SetPausedAsync(edgeId, paused, by, cancellationToken).ConfigureAwait(false) is null)
            throw new WorkflowNotFoundException($"The branch graph has no edge {edgeId}.");
    }
}
