using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Workflows.Activities;

namespace P4Flow.Workflows.Tests.Support.Activities;

[Activity("Test", "Step", Description = "Records in the journal that it ran, with its value, and echoes the value as output.")]
public sealed class Step : Activity
{
    [Input(Description = "Anything; recorded and echoed.")]
    public Input<JsonNode> Value { get; } = new();

    [Output(Description = "The value it was given.")]
    public Output<JsonNode> Echo { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var value = context.Get(Value);
        context.Services.GetRequiredService<Journal>().Add(context.Instance.Id, context.ActivityId, value);
        if (value is not null) context.Set(Echo, value);
        return ValueTask.CompletedTask;
    }
}
