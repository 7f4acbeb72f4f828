using P4Flow.Branches.Graph;

namespace P4Flow.Branches;

/// <summary>The host's side of a graph's rules: the Perforce servers it is configured with, the workflows it has published.</summary>
public interface IBranchGraphContext
{
    Task<GraphContext> GetAsync(CancellationToken cancellationToken);
}
