using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 resolve", Kind = ActivityKind.Job, Stage = "RESOLVE_PASS_1", Outcomes = ["NoFiles", "Resolved", "Conflicts"],
    Description = "Resolves scheduled integrations automatically, then confirms with resolve -n what is left.")]
public sealed class P4Resolve : P4Activity
{
    public const string ConflictsVariable = "conflicts";
    private static readonly string[] Modes = ["am", "as", "af", "at", "ay"];

    [Input(Description = "am: accept clean merges; as: safe (theirs where yours is unchanged); af: force (leaves conflict markers); at: theirs; ay: yours.", Default = "am", Options = ["am", "as", "af", "at", "ay"])]
    public Input<string> Mode { get; } = new();

    [Output(Description = "Files resolved by this pass.")]
    public Output<JsonArray> Resolved { get; } = new();

    [Output(Description = "Files a person must resolve, each with its reason (conflict or binary).")]
    public Output<JsonArray> Conflicts { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var mode = context.Get(Mode) ?? "am";
        if (!Modes.Contains(mode)) throw new ActivityInputException("mode", $"Input 'mode' must be one of {string.Join(", ", Modes)} (got '{mode}').");
        var output = await p4.RunAsync("resolve", "-" + mode).ConfigureAwait(false);
        var result = P4Parsers.Resolve(output);
        if (output.Failed) return Failure($"p4 resolve -{mode}", output);

        // resolve -am exits 0 even when it skipped conflicts: resolve -n says what is really left.
        var check = await p4.RunAsync("resolve", "-n").ConfigureAwait(false);
        if (check.Failed) return Failure("p4 resolve -n", check);
        var pending = P4Parsers.ResolvePreview(check).Pending;
        var conflicts = pending.Concat(result.WithMarkers).DistinctBy(c => c.File).ToList();
        var outputs = new JsonObject { [Resolved.Name] = ToJson(result.Resolved), [Conflicts.Name] = ToJson(conflicts) };
        var outcome = conflicts.Count > 0 ? "Conflicts" : result.Resolved.Count == 0 ? "NoFiles" : "Resolved";
        return JobResult.Done(outcome, outputs);
    }

    protected override void OnCompleted(ActivityExecutionContext context, JobResult result)
    {
        context.SetVariable(ConflictsVariable, result.Outputs?[Conflicts.Name]);
        base.OnCompleted(context, result);
    }
}
