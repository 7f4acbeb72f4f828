using System.Collections.Concurrent;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Workflows.Runtime;

/// <summary>Compiled graphs of published versions; safe to cache because a published version never changes.</summary>
public sealed class FlowchartGraphCache(ActivityRegistry registry)
{
    private readonly ConcurrentDictionary<(string, int), FlowchartGraph> _graphs = new();

    public FlowchartGraph Get(WorkflowDefinition definition) =>
        definition.IsPublished
            ? _graphs.GetOrAdd((definition.DefinitionId, definition.Version), _ => FlowchartGraph.Build(definition, registry))
            : FlowchartGraph.Build(definition, registry);
}
