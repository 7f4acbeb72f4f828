using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 resolve check", Kind = ActivityKind.Job, Stage = "RESOLVE_CHECK", Outcomes = ["Clean", "Pending"],
    Description = "Runs resolve -n: Clean when nothing is left to resolve, Pending otherwise.")]
public sealed class P4ResolveCheck : P4Activity
{
    [Output(Description = "Files still to resolve.")]
    public Output<JsonArray> Conflicts { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var output = await p4.RunAsync("resolve", "-n").ConfigureAwait(false);
        if (output.Failed) return Failure("p4 resolve -n", output);
        var preview = P4Parsers.ResolvePreview(output);
        return JobResult.Done(preview.Clean ? "Clean" : "Pending", new JsonObject { [Conflicts.Name] = ToJson(preview.Pending) });
    }

    protected override void OnCompleted(ActivityExecutionContext context, JobResult result)
    {
        context.SetVariable(P4Resolve.ConflictsVariable, result.Outputs?[Conflicts.Name]);
        base.OnCompleted(context, result);
    }
}
