namespace P4Flow.Workflows.Activities.BuiltIn;

[Activity("Control", "Fail", Description = "Ends the job as failed with a reason.", Outcomes = [])]
public sealed class Fail : Activity
{
    [Input(Description = "Why the job failed.", Required = true)]
    public Input<string> Reason { get; } = new();

    [Input(Description = "Error class, e.g. CONFLICT or NETWORK_ERROR.")]
    public Input<string> ErrorClass { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Fail(context.Get(Reason)!, context.Get(ErrorClass));
        return ValueTask.CompletedTask;
    }
}
