using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 sync", Kind = ActivityKind.Job, Stage = "SYNC", Description = "Syncs the job's workspace to the head of the target branch.")]
public sealed class P4Sync : P4Activity
{
    [Input(Description = "Depot path to sync, e.g. //depot/rel/...", Required = true, DefaultSyntax = "JavaScript")]
    public Input<string> Target { get; } = new();

    [Output(Description = "Files the sync changed.")]
    public Output<JsonArray> Files { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var output = await p4.RunAsync("sync", DepotPaths.Require(context.Get(Target), "target")).ConfigureAwait(false);
        if (output.Failed) return Failure("p4 sync", output);
        var result = P4Parsers.Sync(output);
        return JobResult.Done(outputs: new JsonObject { [Files.Name] = ToJson(result.Files) });
    }
}
