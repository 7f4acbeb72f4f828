namespace P4Flow.Studio.Services;

public sealed record BranchNodeInfo(string Name, string Path, string? Server);

/// <param name="Gate">"counter main-good", "url https://...", or null.</param>
public sealed record BranchEdgeInfo(string Id, string Source, string Target, string Workflow, string Flow, string? Gate, bool Paused)
{
    /// <summary>Changes seen and not yet integrated or skipped (waiting, running, parked or failed).</summary>
    public int Open { get; init; }

    /// <summary>The oldest change that holds others (parked for a person, or failed), if any.</summary>
    public BlockingChange? Blocked { get; init; }

    /// <summary>The state at a glance: paused, blocked or flowing.</summary>
    public string State => Paused ? "paused" : Blocked is not null ? "blocked" : "flowing";
}

/// <summary>A change as one edge saw it: where it stands, its job, the change it became on the target, why.</summary>
/// <param name="User">Its author.</param>
/// <param name="UpdatedAt">Since when it is in its status.</param>
public sealed record BranchChangeInfo(int Change, string User, string Summary, string Status, string? JobId, int? TargetChange, string? Reason, DateTime UpdatedAt)
{
    /// <summary>Who owns it when it parks for a person (its conflicts, a shelf made for it); null when that is its author.</summary>
    public string? Owner { get; init; }
}

/// <summary>A change that holds later ones on its edge: which, whose, since when, why.</summary>
public sealed record BlockingChange(int Change, string User, string Status, DateTime Since);

public sealed record BranchGraphInfo(int Revision, IReadOnlyList<BranchNodeInfo> Nodes, IReadOnlyList<BranchEdgeInfo> Edges);

/// <summary>The branch graph as the Studio's Branches page shows it (the host provides it).</summary>
public interface IBranchGraphView
{
    Task<BranchGraphInfo> GetAsync(CancellationToken cancellationToken);

    /// <exception cref="P4Flow.Workflows.State.WorkflowNotFoundException">The graph has no such edge (any more).</exception>
    Task SetPausedAsync(string edgeId, bool paused, string? by, CancellationToken cancellationToken);

    /// <summary>The edge's changes in changelist order, newest last (at most <paramref name="limit"/>).</summary>
    Task<IReadOnlyList<BranchChangeInfo>> ChangesAsync(string edgeId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A person's <paramref name="action"/> on a change of the edge (see <see cref="BranchChangeActionNames"/>): approve,
    /// retry, skip (with a reason, kept on the edge; a running or parked job is cancelled), shelve, stomp, acknowledge.
    /// </summary>
    /// <exception cref="P4Flow.Workflows.State.WorkflowInputException">A skip without a reason (named <c>reason</c>), or a reason too long.</exception>
    /// <exception cref="P4Flow.Workflows.State.WorkflowConflictException">The change is not where the action applies.</exception>
    /// <exception cref="P4Flow.Workflows.State.WorkflowNotFoundException">No such action, edge or change.</exception>
    Task ActAsync(string edgeId, int change, string action, string? reason, string? by, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="edgeChanged"/> with an edge's id after its changes moved (recorded, started, parked, ended, acted on)
    /// until the subscription is disposed.
    /// </summary>
    /// <remarks>It runs on the writer's thread: it must only queue work (e.g. a page's InvokeAsync), never wait or throw.</remarks>
    IDisposable Subscribe(Action<string> edgeChanged);
}

/// <summary>The actions a person may take on a change of an edge, and which apply to a change in a given status.</summary>
public static class BranchChangeActionNames
{
    public const string Approve = "approve";
    public const string Retry = "retry";
    public const string Skip = "skip";
    /// <summary>Shelves a parked change's resolve for its owner to finish.</summary>
    public const string Shelve = "shelve";
    /// <summary>Takes the source's side of a parked change's conflicts ("accept theirs").</summary>
    public const string Stomp = "stomp";
    /// <summary>Says someone took the parked change (its reminders stop).</summary>
    public const string Acknowledge = "acknowledge";

    /// <summary>The actions that apply to a change in <paramref name="status"/>, in the order the Studio offers them (none for an ended change).</summary>
    public static IReadOnlyList<string> For(string status) => status switch
    {
        "awaiting_approval" => [Approve, Skip],
        "failed" => [Retry, Skip],
        "needs_resolve" => [Shelve, Stomp, Acknowledge, Skip],
        "pending" or "integrating" => [Skip],
        _ => [],
    };
}

/// <summary>A host without a branch graph: nothing to show.</summary>
public sealed class NoBranchGraph : IBranchGraphView
{
    public Task<BranchGraphInfo> GetAsync(CancellationToken cancellationToken) => Task.FromResult(new BranchGraphInfo(0, [], []));

    public Task SetPausedAsync(string edgeId, bool paused, string? by, CancellationToken cancellationToken) =>
        throw new P4Flow.Workflows.State.WorkflowNotFoundException($"The branch graph has no edge {edgeId}.");

    public Task ActAsync(string edgeId, int change, string action, string? reason, string? by, CancellationToken cancellationToken) =>
        throw new P4Flow.Workflows.State.WorkflowNotFoundException($"The branch graph has no edge {edgeId}.");

    /// <summary>Nothing ever changes here: the subscription is a no-op.</summary>
    public IDisposable Subscribe(Action<string> edgeChanged) => NoSubscription.Instance;

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }

    public Task<IReadOnlyList<BranchChangeInfo>> ChangesAsync(string edgeId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BranchChangeInfo>>([]);
}
