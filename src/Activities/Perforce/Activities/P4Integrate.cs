using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 integrate", Kind = ActivityKind.Job, Stage = "INTEGRATE", Outcomes = ["Integrated", "NothingToIntegrate"],
    Description = "Schedules the integration of source into target (or through a branch spec).")]
public sealed class P4Integrate : P4Activity
{
    [Input(Description = "Source branch, e.g. //depot/main/...", DefaultSyntax = "JavaScript")]
    public Input<string> Source { get; } = new();

    [Input(Description = "Target branch, e.g. //depot/rel/...", DefaultSyntax = "JavaScript")]
    public Input<string> Target { get; } = new();

    [Input(Description = "A branch spec to integrate through instead of source and target (-b).")]
    public Input<string> Branch { get; } = new();

    [Output(Description = "Files opened for integration.")]
    public Output<JsonArray> Files { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var branch = context.Get(Branch);
        string[] command = string.IsNullOrEmpty(branch)
            ? ["integrate", DepotPaths.Require(context.Get(Source), "source"), DepotPaths.Require(context.Get(Target), "target")]
            : ["integrate", "-b", BranchName(branch)];
        var output = await p4.RunAsync(command).ConfigureAwait(false);
        var result = P4Parsers.Integrate(output);
        // The trap: a file opened exclusively elsewhere is reported on stdout and p4 still exits 0.
        if (result.ExclusiveBlocked.Count > 0)
            return JobResult.Failed($"p4 integrate could not open {string.Join(", ", result.ExclusiveBlocked)}: {output.Text}", P4ErrorClass.Locked);
        if (result.MustSync.Count > 0)
            return JobResult.Failed($"p4 integrate needs a sync first: {output.Text}", P4ErrorClass.Conflict);
        if (result.Files.Count == 0 && (result.AlreadyIntegrated || result.NoTargets))
            return JobResult.Done("NothingToIntegrate", new JsonObject { [Files.Name] = new JsonArray(), ["message"] = "Nothing to integrate: all revisions are already integrated." });
        if (output.Failed) return Failure("p4 integrate", output);
        return JobResult.Done("Integrated", new JsonObject { [Files.Name] = ToJson(result.Files) });
    }

    private static string BranchName(string branch) =>
        System.Text.RegularExpressions.Regex.IsMatch(branch, "^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
            ? branch
            : throw new ActivityInputException("branch", $"Input 'branch' must be a branch spec name (letters, digits, '.', '_', '-'), got '{branch}'.");
}
