using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Workflows.Activities;

namespace P4Flow.Workflows.Tests.Support.Activities;

[Activity("Test", "Test job", Kind = ActivityKind.Job, Description = "Background work that doubles a number, picks an outcome or fails, as told.", Outcomes = ["Done", "Retry"])]
public sealed class TestJob : JobActivity
{
    [Input(Description = "The number to double.")]
    public Input<double> Value { get; } = new();

    [Input(Description = "The outcome to return; Done when empty.")]
    public Input<string> Outcome { get; } = new();

    [Input(Description = "When set, the work fails with this error.")]
    public Input<string> Error { get; } = new();

    [Input(Description = "Error class of the failure.")]
    public Input<string> ErrorClass { get; } = new();

    [Input(Description = "Wait at the test's gate before finishing.")]
    public Input<bool> Hold { get; } = new();

    [Output(Description = "Twice the value.")]
    public Output<double> Doubled { get; } = new();

    public override async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        context.Services.GetRequiredService<Journal>().Add(context.JobId, context.ActivityId, null);
        if (context.Get(Hold)) await context.Services.GetRequiredService<JobGate>().PassAsync(context.JobId, cancellationToken);
        if (context.Get(Error) is { } error) return JobResult.Failed(error, context.Get(ErrorClass));
        return JobResult.Done(context.Get(Outcome) ?? DoneOutcome, new JsonObject { [Doubled.Name] = context.Get(Value) * 2 });
    }
}
