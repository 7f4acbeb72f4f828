using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 push", Kind = ActivityKind.Job, Stage = "P4PUSH",
    Description = "Submits the shelved change: deletes the shelf (a change with shelved files cannot be submitted), then submits the opened files.")]
public sealed class P4Push : P4Activity
{
    [Input(Description = "The shelved change to submit.", Required = true, DefaultSyntax = "JavaScript")]
    public Input<int> Change { get; } = new();

    [Output(Description = "The submitted change number (submit may renumber it).")]
    public Output<int> SubmittedChange { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var change = context.Get(Change);
        if (change <= 0) throw new ActivityInputException("change", $"Input 'change' must be a change number (got {change}).");
        var number = change.ToString(CultureInfo.InvariantCulture);

        var unshelved = await p4.RunAsync("shelve", "-d", "-c", number).ConfigureAwait(false);
        if (unshelved.Failed && !AlreadySubmitted(unshelved) && !unshelved.Says("No shelved files"))
            return Failure("p4 shelve -d", unshelved);
        if (AlreadySubmitted(unshelved)) return Submitted(change);

        var submit = await p4.RunAsync("submit", "-c", number).ConfigureAwait(false);
        // A retry after a lost reply finds the change gone or committed: it was submitted.
        if (submit.Failed && AlreadySubmitted(submit)) return Submitted(change);
        if (submit.Failed) return Failure("p4 submit", submit);
        var result = P4Parsers.Submit(submit);
        return Submitted(result.SubmittedChange ?? change);
    }

    private static bool AlreadySubmitted(P4Output output) =>
        output.Says("unknown") && output.Says("Change ") || output.Says("already committed") || output.Says("has been submitted") || output.Says("is already submitted");

    private JobResult Submitted(int change) => JobResult.Done(outputs: new JsonObject { [SubmittedChange.Name] = change });
}
