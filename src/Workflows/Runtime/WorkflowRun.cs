using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>One worker's pass over one instance: the state it advances and what each step changed.</summary>
public sealed class WorkflowRun(WorkflowInstance instance, FlowchartGraph graph, IServiceProvider services, CancellationToken cancellationToken)
{
    public WorkflowInstance Instance { get; } = instance;
    public FlowchartGraph Graph { get; } = graph;
    public IServiceProvider Services { get; } = services;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public StepChanges Changes { get; } = new();
    /// <summary>Bookmarks created by this step that a background job or timer must resume.</summary>
    public List<Bookmark> PendingDispatch { get; } = [];
    /// <summary>Persists the step; null runs purely in memory.</summary>
    public Func<WorkflowRun, ValueTask>? Commit { get; init; }
    public int MaxHistory { get; init; } = 100;
}
