namespace P4Flow.Studio.Services;

public sealed record BranchNodeInfo(string Name, string Path, string? Server);

/// <param name="Gate">"counter main-good", "url https://...", or null.</param>
public sealed record BranchEdgeInfo(string Id, string Source, string Target, string Workflow, string Flow, string? Gate, bool Paused);

public sealed record BranchGraphInfo(int Revision, IReadOnlyList<BranchNodeInfo> Nodes, IReadOnlyList<BranchEdgeInfo> Edges);

/// <summary>The branch graph as the Studio's Branches page shows it (the host provides it).</summary>
public interface IBranchGraphView
{
    Task<BranchGraphInfo> GetAsync(CancellationToken cancellationToken);

    /// <exception cref="P4Flow.Workflows.State.WorkflowNotFoundException">The graph has no such edge (any more).</exception>
    Task SetPausedAsync(string edgeId, bool paused, string? by, CancellationToken cancellationToken);
}

/// <summary>A host without a branch graph: nothing to show.</summary>
public sealed class NoBranchGraph : IBranchGraphView
{
    public Task<BranchGraphInfo> GetAsync(CancellationToken cancellationToken) => Task.FromResult(new BranchGraphInfo(0, [], []));

    public Task SetPausedAsync(string edgeId, bool paused, string? by, CancellationToken cancellationToken) =>
        throw new P4Flow.Workflows.State.WorkflowNotFoundException($"The branch graph has no edge {edgeId}.");
}
