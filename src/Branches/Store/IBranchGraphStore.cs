using P4Flow.Branches.Graph;

namespace P4Flow.Branches.Store;

/// <summary>The graph as stored: which revision, when and by whom it was saved, and the file it came from.</summary>
/// <param name="SourceHash">SHA-256 of the config/branches.yaml it was loaded from; null when saved over the API.</param>
public sealed record StoredGraph(BranchGraph Graph, int Revision, DateTime UpdatedAt, string? UpdatedBy, string? SourceHash);

/// <summary>Where the branch graph is kept: one graph, saved whole, each save a new revision.</summary>
public interface IBranchGraphStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The graph; revision 0 and no edges before anything was saved.</summary>
    Task<StoredGraph> GetAsync(CancellationToken cancellationToken);

    /// <param name="expectedRevision">The revision the caller read; null to save whatever is there.</param>
    /// <exception cref="P4Flow.Workflows.State.WorkflowConflictException">Someone saved another revision since.</exception>
    Task<StoredGraph> SaveAsync(BranchGraph graph, int? expectedRevision, string? by, string? sourceHash, CancellationToken cancellationToken);
}
