namespace P4Flow.Workflows.Activities.BuiltIn;

[Activity("Control", "Decision", Description = "Follows True or False depending on a condition.", Outcomes = ["True", "False"])]
public sealed class Decision : Activity
{
    [Input(Description = "A JavaScript expression (or a literal) that decides the branch.", Required = true, DefaultSyntax = "JavaScript", UIHint = "code")]
    public Input<bool> Condition { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete(context.Get(Condition) ? "True" : "False");
        return ValueTask.CompletedTask;
    }
}
