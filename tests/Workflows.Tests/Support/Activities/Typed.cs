using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities;

namespace P4Flow.Workflows.Tests.Support.Activities;

[Activity("Test", "Typed", Description = "Has one input of each data type; does nothing with them.")]
public sealed class Typed : Activity
{
    [Input]
    public Input<int> Count { get; } = new();

    [Input]
    public Input<double> Ratio { get; } = new();

    [Input]
    public Input<bool> Flag { get; } = new();

    [Input]
    public Input<JsonArray> Items { get; } = new();

    [Input]
    public Input<string> Text { get; } = new();
}
