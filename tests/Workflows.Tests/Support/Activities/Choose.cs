using P4Flow.Workflows.Activities;

namespace P4Flow.Workflows.Tests.Support.Activities;

[Activity("Test", "Choose", Description = "Completes with the outcome port its input names.", Outcomes = ["A", "B", "C"])]
public sealed class Choose : Activity
{
    [Input(Description = "A, B or C.", Required = true)]
    public Input<string> Outcome { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete(context.Get(Outcome)!);
        return ValueTask.CompletedTask;
    }
}
