using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 pre-submit check", Kind = ActivityKind.Job, Stage = "PRE_SUBMIT",
    Description = "Checks that the workspace has opened files and nothing left to resolve.")]
public sealed class P4PreSubmit : P4Activity
{
    [Output(Description = "Files opened in the job's workspace.")]
    public Output<JsonArray> Files { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var opened = await p4.RunAsync("opened").ConfigureAwait(false);
        if (opened.Failed) return Failure("p4 opened", opened);
        var files = P4Parsers.Opened(opened).Files;
        if (files.Count == 0) return JobResult.Failed("Nothing is opened in the job's workspace: there is nothing to submit.", P4ErrorClass.NothingToDo);
        var check = await p4.RunAsync("resolve", "-n").ConfigureAwait(false);
        var pending = P4Parsers.ResolvePreview(check).Pending;
        if (pending.Count > 0)
            return JobResult.Failed($"{pending.Count} file(s) still need resolving: {string.Join(", ", pending.Select(p => p.File))}", P4ErrorClass.Conflict);
        return JobResult.Done(outputs: new JsonObject { [Files.Name] = ToJson(files) });
    }
}
