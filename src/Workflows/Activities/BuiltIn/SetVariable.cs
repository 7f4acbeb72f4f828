using System.Text.Json.Nodes;

namespace P4Flow.Workflows.Activities.BuiltIn;

[Activity("Primitives", "Set variable", Description = "Stores a value in a workflow variable.")]
public sealed class SetVariable : Activity
{
    [Input(Description = "Name of the variable.", Required = true)]
    public Input<string> Variable { get; } = new();

    [Input(Description = "The value to store.", DefaultSyntax = "JavaScript", UIHint = "code")]
    public Input<JsonNode> Value { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.SetVariable(context.Get(Variable)!, context.Get(Value));
        return ValueTask.CompletedTask;
    }
}
