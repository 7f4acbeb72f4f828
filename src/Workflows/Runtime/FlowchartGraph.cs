using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Workflows.Runtime;

/// <summary>A definition compiled for execution: nodes with their descriptors, edges split into forward and back edges.</summary>
public sealed class FlowchartGraph
{
    /// <summary>Cap applied to a loop target that declares none (validation refuses such definitions; this is a safety net).</summary>
    public const int DefaultIterationCap = 1000;

    private FlowchartGraph(WorkflowDefinition definition, Dictionary<string, GraphNode> nodes, List<GraphNode> startNodes, List<GraphEdge> edges)
    {
        Definition = definition;
        Nodes = nodes;
        StartNodes = startNodes;
        Edges = edges;
    }

    public WorkflowDefinition Definition { get; }
    public IReadOnlyDictionary<string, GraphNode> Nodes { get; }
    public IReadOnlyList<GraphNode> StartNodes { get; }
    /// <summary>Edges whose both ends exist, indexed as in the definition's connection list.</summary>
    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>Compiles <paramref name="definition"/>; activities of unknown type and dangling connections are skipped (validation reports them).</summary>
    public static FlowchartGraph Build(WorkflowDefinition definition, ActivityRegistry registry)
    {
        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        foreach (var activity in definition.Root.Activities)
        {
            if (registry.Find(activity.Type) is { } descriptor && !nodes.ContainsKey(activity.Id))
                nodes[activity.Id] = new GraphNode(activity, descriptor);
        }

        var edges = new List<GraphEdge>();
        var connections = definition.Root.Connections;
        for (var i = 0; i < connections.Count; i++)
        {
            var c = connections[i];
            if (!nodes.TryGetValue(c.Source.Activity, out var source) || !nodes.TryGetValue(c.Target.Activity, out var target)) continue;
            var edge = new GraphEdge(i, source, c.Source.Port, target);
            source.Outbound.Add(edge);
            edges.Add(edge);
        }

        var starts = nodes.Values.Where(n => n.Descriptor.Kind == ActivityKind.Trigger).ToList();
        if (starts.Count == 0)
        {
            var targets = edges.Select(e => e.Target.Id).ToHashSet(StringComparer.Ordinal);
            starts = nodes.Values.Where(n => !targets.Contains(n.Id)).ToList();
        }

        MarkBackEdges(starts, nodes.Values);
        foreach (var edge in edges)
        {
            if (edge.IsBackEdge) edge.Target.IsLoopTarget = true;
            else edge.Target.ForwardInbound.Add(edge);
        }
        foreach (var node in nodes.Values) node.Ancestors = CollectAncestors(node);
        return new FlowchartGraph(definition, nodes, starts, edges);
    }

    /// <summary>Nodes reachable from the start nodes (forward and back edges).</summary>
    public HashSet<string> Reachable()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<GraphNode>(StartNodes);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node.Id)) continue;
            foreach (var edge in node.Outbound) stack.Push(edge.Target);
        }
        return seen;
    }

    // An edge into a node that is still on the depth-first path is a back edge: it closes a loop.
    private static void MarkBackEdges(List<GraphNode> starts, IEnumerable<GraphNode> all)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on path, 2 = done
        foreach (var root in starts.Concat(all))
        {
            if (state.ContainsKey(root.Id)) continue;
            var stack = new Stack<(GraphNode Node, int Next)>();
            stack.Push((root, 0));
            state[root.Id] = 1;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.Outbound.Count)
                {
                    stack.Push((node, next + 1));
                    var edge = node.Outbound[next];
                    var targetState = state.GetValueOrDefault(edge.Target.Id);
                    if (targetState == 1) edge.IsBackEdge = true;
                    else if (targetState == 0)
                    {
                        state[edge.Target.Id] = 1;
                        stack.Push((edge.Target, 0));
                    }
                }
                else state[node.Id] = 2;
            }
        }
    }

    private static HashSet<string> CollectAncestors(GraphNode node)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<GraphNode>();
        foreach (var e in node.ForwardInbound) stack.Push(e.Source);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (!seen.Add(current.Id)) continue;
            foreach (var e in current.ForwardInbound) stack.Push(e.Source);
        }
        return seen;
    }
}

public sealed class GraphNode(ActivityNode node, ActivityDescriptor descriptor)
{
    public string Id => Node.Id;
    public ActivityNode Node { get; } = node;
    public ActivityDescriptor Descriptor { get; } = descriptor;
    public string? Stage { get; } = node.Stage ?? descriptor.Stage;
    public JoinMode Join { get; } = node.JoinMode ?? JoinMode.Merge;
    public List<GraphEdge> Outbound { get; } = [];
    public List<GraphEdge> ForwardInbound { get; } = [];
    public bool IsLoopTarget { get; internal set; }
    /// <summary>Nodes with a forward path to this one; a won race cancels those still pending.</summary>
    public IReadOnlySet<string> Ancestors { get; internal set; } = new HashSet<string>();
    public int IterationCap => Node.MaxIterations ?? FlowchartGraph.DefaultIterationCap;
}

public sealed class GraphEdge(int index, GraphNode source, string port, GraphNode target)
{
    public int Index { get; } = index;
    public GraphNode Source { get; } = source;
    public string Port { get; } = port;
    public GraphNode Target { get; } = target;
    public bool IsBackEdge { get; internal set; }
}
