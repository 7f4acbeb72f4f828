using Microsoft.Extensions.DependencyInjection;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Benchmarks;

/// <summary>A flowchart of ten no-op Action activities in a row, and a fresh job on it.</summary>
internal sealed class Chain
{
    public const int Activities = 10;

    public Chain(Action<IServiceCollection> store)
    {
        var services = new ServiceCollection().AddLogging().AddWorkflowEngine().AddActivity<NoOp>();
        store(services);
        Services = services.BuildServiceProvider();
        var definition = new WorkflowDefinition { DefinitionId = "chain", Name = "chain", Version = 1, IsPublished = true, IsLatest = true };
        for (var i = 0; i < Activities; i++)
        {
            definition.Root.Activities.Add(new ActivityNode { Id = $"a{i}", Type = nameof(NoOp) });
            if (i > 0) definition.Root.Connections.Add(new Connection { Source = new Endpoint { Activity = $"a{i - 1}" }, Target = new Endpoint { Activity = $"a{i}", Port = "In" } });
        }
        Definition = definition;
        Graph = Services.GetRequiredService<FlowchartGraphCache>().Get(definition);
        Runner = Services.GetRequiredService<FlowchartRunner>();
    }

    public ServiceProvider Services { get; }
    public WorkflowDefinition Definition { get; }
    public FlowchartGraph Graph { get; }
    public FlowchartRunner Runner { get; }

    public WorkflowInstance NewInstance()
    {
        var instance = new WorkflowInstance { Id = Ids.New(), DefinitionId = "chain", DefinitionVersion = 1, Status = WorkflowStatus.Pending, CreatedAt = DateTime.UtcNow };
        FlowchartRunner.Begin(instance, Graph);
        return instance;
    }
}
