using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Definitions;

public sealed class StartInputTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly EngineHost _engine = fixture.Host;

    [Theory]
    [InlineData("missing-required", """{ "attempts": 2 }""", "input.sourceBranch")]
    [InlineData("wrong-type", """{ "sourceBranch": "//depot/main", "attempts": "abc" }""", "input.attempts")]
    [InlineData("fraction-for-integer", """{ "sourceBranch": "//depot/main", "attempts": 1.5 }""", "input.attempts")]
    [InlineData("pattern", """{ "sourceBranch": "main" }""", "input.sourceBranch")]
    [InlineData("unknown", """{ "sourceBranch": "//depot/main", "targetBrnach": "//depot/rel" }""", "input.targetBrnach")]
    public async Task StartAsync_BadInput_ThrowsKeyedByInputAndCreatesNothing(string definitionId, string input, string key)
    {
        await _engine.PublishAsync(WithInputs($"inputs-{definitionId}"));

        var error = await Assert.ThrowsAsync<WorkflowInputException>(() => _engine.StartAsync($"inputs-{definitionId}", JsonNode.Parse(input)!.AsObject()));

        Assert.Equal([key], error.Errors.Keys);
        var created = await _engine.Store.QueryInstancesAsync(new InstanceQuery(DefinitionId: $"inputs-{definitionId}"), CancellationToken.None);
        Assert.Equal(0, created.Total);
    }

    [Fact]
    public async Task StartAsync_ValidInput_CoercesAndAppliesDefaults()
    {
        var job = await _engine.RunAsync(WithInputs("inputs-valid"), new JsonObject { ["sourceBranch"] = "//depot/main", ["attempts"] = "3" });

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal(3, job.Input["attempts"]!.GetValue<long>());
        Assert.Equal("default", job.Input["priority"]!.GetValue<string>());
        Assert.Equal("//depot/main x3", _engine.Journal.For(job.Id).Single().Value?.GetValue<string>());
    }

    [Fact]
    public async Task StartAsync_PriorityInput_PutsJobOnThatQueue()
    {
        var job = await _engine.RunAsync(WithInputs("inputs-priority"), new JsonObject { ["sourceBranch"] = "//depot/main", ["priority"] = "high" });

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal("high", job.Queue);
    }

    [Fact]
    public async Task StartAsync_NumericPriorityInput_StartsJobOnDefaultQueue()
    {
        var definition = Flow.Create("inputs-numeric-priority")
            .Input("priority", DataType.Integer, defaultValue: 2)
            .Add("start", nameof(Start))
            .Add("step", nameof(Step), new() { ["value"] = Flow.Js("input.priority") })
            .Chain("start", "step")
            .Build();
        await _engine.PublishAsync(definition);

        var started = await _engine.StartAsync("inputs-numeric-priority", new JsonObject { ["priority"] = 1 });

        var job = await _engine.WaitForStatusAsync(started.Id, WorkflowStatus.Finished);
        Assert.Equal("default", job.Queue);
        Assert.Equal(1, _engine.Journal.For(job.Id).Single().Value?.GetValue<int>());
    }

    private static WorkflowDefinition WithInputs(string definitionId) => Flow.Create(definitionId)
        .Input("sourceBranch", required: true, pattern: "//depot/[a-z]+")
        .Input("attempts", DataType.Integer, defaultValue: 1)
        .Input("priority", defaultValue: "default")
        .Add("start", nameof(Start))
        .Add("step", nameof(Step), new() { ["value"] = Flow.Js("input.sourceBranch + ' x' + input.attempts") })
        .Chain("start", "step")
        .Build();
}
