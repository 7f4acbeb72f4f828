using System.Text.Json.Nodes;

namespace P4Flow.Workflows.Activities.BuiltIn;

[Activity("Control", "Finish", Description = "Ends the job successfully; anything still pending is cancelled.", Outcomes = [])]
public sealed class Finish : Activity
{
    [Input(Description = "The job's result.", DefaultSyntax = "JavaScript", UIHint = "code")]
    public Input<JsonNode> Result { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.FinishWorkflow(context.Get(Result));
        return ValueTask.CompletedTask;
    }
}
