using System.Text.Json.Nodes;

namespace P4Flow.Workflows.Activities.BuiltIn;

[Activity("Control", "Wait for signal", Kind = ActivityKind.Blocking, Description = "Waits until the named signal is sent to the job (POST /api/jobs/{id}/resume); its payload becomes the output.")]
public sealed class WaitForSignal : Activity
{
    [Input(Description = "The signal's name.", Required = true)]
    public Input<string> Signal { get; } = new();

    [Output(Description = "The payload sent with the signal.")]
    public Output<JsonNode> Payload { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CreateBookmark(context.Get(Signal));
        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityExecutionContext context, JsonNode? payload)
    {
        context.Set(Payload, payload);
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
