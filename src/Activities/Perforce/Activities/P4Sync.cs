using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 sync", Kind = ActivityKind.Job, Stage = "SYNC", Description = "Syncs the job's workspace to the head of the target branch, or, for a virtual integrate, to nothing (#0) without copying a file.")]
public sealed class P4Sync : P4Activity
{
    [Input(Description = "Depot path to sync, e.g. //depot/rel/...", Required = true, DefaultSyntax = "JavaScript")]
    public Input<string> Target { get; } = new();

    [Input(Description = "Leave the workspace holding nothing (sync -k #0) for a virtual integrate, which fetches only the files a resolve needs.")]
    public Input<bool> HaveNothing { get; } = new();

    [Output(Description = "Files the sync changed (the first 1,000; filesTotal says how many).")]
    public Output<JsonArray> Files { get; } = new();

    /// <summary>
    /// A classic sync of a whole branch names every file: the job keeps the first ones and the count, not a list that
    /// would be stored with the job and handed to every later expression of it (10,000 entries cost seconds).
    /// </summary>
    public const int MaxListed = 1000;

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var target = DepotPaths.Require(context.Get(Target), "target");
        // -k: only the have list is emptied, no file is touched; a new workspace already has nothing ("up-to-date").
        var output = context.Get(HaveNothing)
            ? await p4.RunAsync("sync", "-k", target + "#0").ConfigureAwait(false)
            : await p4.RunAsync("sync", target).ConfigureAwait(false);
        if (output.Failed && P4ErrorClass.Classify(output) != P4ErrorClass.NothingToDo) return Failure("p4 sync", output);
        var result = P4Parsers.Sync(output);
        return JobResult.Done(outputs: new JsonObject { [Files.Name] = ToJson(result.Files.Take(MaxListed)), ["filesTotal"] = result.Files.Count });
    }
}
