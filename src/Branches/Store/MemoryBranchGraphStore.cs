using P4Flow.Branches.Graph;
using P4Flow.Workflows.State;

namespace P4Flow.Branches.Store;

/// <summary>The graph in memory, for state_management.type: memory.</summary>
internal sealed class MemoryBranchGraphStore(TimeProvider clock) : IBranchGraphStore
{
    private readonly Lock _lock = new();
    private StoredGraph _current = new(BranchGraph.Empty, 0, DateTime.MinValue, null, null);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<StoredGraph> GetAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_current);
    }

    public Task<StoredGraph> SaveAsync(BranchGraph graph, int? expectedRevision, string? by, string? sourceHash, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (expectedRevision is { } expected && expected != _current.Revision)
                throw new WorkflowConflictException($"The branch graph is at revision {_current.Revision}, not {expected}: someone saved it meanwhile; read it again.");
            _current = new StoredGraph(graph, _current.Revision + 1, clock.GetUtcNow().UtcDateTime, by, sourceHash);
            return Task.FromResult(_current);
        }
    }
}
