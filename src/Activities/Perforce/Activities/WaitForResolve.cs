using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "Wait for resolve", Kind = ActivityKind.Blocking, Stage = "NEEDS_RESOLVE",
    Description = "Waits until a person has resolved the conflicts in the job's workspace. The ResolveWatcher checks periodically; Continue checks at once.")]
public sealed class WaitForResolve : Activity
{
    public const string BookmarkName = "resolve";

    [Output(Description = "Who or what saw the conflicts resolved.")]
    public Output<JsonNode> ResolvedBy { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CreateBookmark(BookmarkName);
        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityExecutionContext context, JsonNode? payload)
    {
        context.Set(ResolvedBy, payload?.DeepClone());
        context.SetVariable(P4Resolve.ConflictsVariable, new JsonArray());
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
