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

    [Input(Description = "Which submitted changes of the source: one (42), a range (40,42) or all up to one (,42); all pending ones when empty.", DefaultSyntax = "JavaScript")]
    public Input<string> Changes { get; } = new();

    [Input(Description = "Integrate without copying files into the workspace (p4 integrate -v); files come only when a resolve needs them.")]
    public Input<bool> Virtual { get; } = new();

    [Output(Description = "Files opened for integration.")]
    public Output<JsonArray> Files { get; } = new();

    [Output(Description = "The lines the submitted change's description carries to trace it back: #p4flow-source: CL N in PATH.")]
    public Output<string> Provenance { get; } = new();

    [Output(Description = "The source changes integrated (up to 50, newest last): change, user (who owns a conflict in them) and description.")]
    public Output<JsonArray> SourceChanges { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var branch = context.Get(Branch);
        var range = ChangesOf(context.Get(Changes));
        var source = string.IsNullOrEmpty(branch) ? DepotPaths.Require(context.Get(Source), "source") : null;
        List<string> files;
        if (source is not null) files = [source + range?.RevisionRange, DepotPaths.Require(context.Get(Target), "target")];
        // With a branch spec, a revision range goes on the target and still means source revisions (p4 help integrate).
        else files = range is null ? ["-b", BranchName(branch!)] : ["-b", BranchName(branch!), DepotPaths.Require(context.Get(Target), "target") + range.RevisionRange];
        var isVirtual = context.Get(Virtual);
        var output = await p4.RunAsync(["integrate", .. isVirtual ? ["-v"] : Array.Empty<string>(), .. files]).ConfigureAwait(false);
        if (isVirtual && output.Failed && output.Messages.Any(m => m.Generic == P4Output.GenericUsage))
        {
            // A server that does not know -v: the classic path, the target synced into the workspace first.
            isVirtual = false;
            var synced = await p4.RunAsync("sync", DepotPaths.Require(context.Get(Target), "target")).ConfigureAwait(false);
            if (synced.Failed && P4ErrorClass.Classify(synced) != P4ErrorClass.NothingToDo) return Failure("p4 sync", synced);
            output = await p4.RunAsync(["integrate", .. files]).ConfigureAwait(false);
        }
        var result = P4Parsers.Integrate(output);
        // The trap: a file opened exclusively elsewhere is reported on stdout and p4 still exits 0.
        if (result.ExclusiveBlocked.Count > 0)
            return JobResult.Failed($"p4 integrate could not open {string.Join(", ", result.ExclusiveBlocked)}: {output.Text}", P4ErrorClass.Locked);
        if (result.MustSync.Count > 0)
            return JobResult.Failed($"p4 integrate needs a sync first: {output.Text}", P4ErrorClass.Conflict);
        if (result.Files.Count == 0 && result.AlreadyIntegrated)
            result = result with { Files = await OpenedByAnEarlierAttemptAsync(p4).ConfigureAwait(false) };
        if (result.Files.Count == 0 && (result.AlreadyIntegrated || result.NoTargets))
            return JobResult.Done("NothingToIntegrate", new JsonObject { [Files.Name] = new JsonArray(), ["message"] = "Nothing to integrate: all revisions are already integrated." });
        if (output.Failed) return Failure("p4 integrate", output);
        var provenance = await ProvenanceAsync(p4, source ?? DepotPaths.Require(context.Get(Source), "source"), range).ConfigureAwait(false);
        if (provenance.Failed is { } failed) return Failure("p4 changes", failed);
        return JobResult.Done("Integrated", new JsonObject
        {
            [Files.Name] = ToJson(result.Files),
            [Provenance.Name] = provenance.Lines,
            [SourceChanges.Name] = provenance.Changes,
            ["virtual"] = isVirtual,
        });
    }

    /// <summary>
    /// The files an earlier attempt of this activity opened for integration in the job's own workspace. An orchestrator
    /// that stopped after the integrate ran but before the job recorded it runs the activity again; p4 then counts the
    /// pending integration as done ("already integrated"), and without this the job would end with nothing to submit
    /// while its files stay opened.
    /// </summary>
    private static async Task<IReadOnlyList<P4File>> OpenedByAnEarlierAttemptAsync(Session p4)
    {
        var opened = await p4.RunAsync("opened").ConfigureAwait(false);
        if (opened.Failed) return [];
        return [.. P4Parsers.Opened(opened).Files.Where(f => f.Action is "integrate" or "branch" or "delete" or "import" or "move/add")];
    }

    private const string SourceTag = "#p4flow-source: ";

    private static string? ShortDescription(string? description)
    {
        if (description is null) return null;
        var flat = description.TrimEnd().Replace('\n', ' ');
        return flat.Length > 31 ? flat[..31] : flat;
    }

    /// <summary>How many changes a description names one by one; a longer range says how many more.</summary>
    private const int MaxNamed = 50;

    private static ChangeRange? ChangesOf(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : ChangeRange.TryParse(text, out var error) ?? throw new ActivityInputException("changes", error!);

    /// <summary>
    /// One "#p4flow-source: CL N in SOURCE" line per submitted change the integration carries (and, for a change P4Flow
    /// itself brought to the source, its origin "... via CL N"), so anyone reading the
    /// target's history can trace a change back (and the integration bot never carries it back where it came from).
    /// Without a range, the source's newest change stands for everything up to it.
    /// </summary>
    private static async Task<(string Lines, JsonArray Changes, P4Output? Failed)> ProvenanceAsync(Session p4, string source, ChangeRange? range)
    {
        // -l: whole descriptions, where a change P4Flow itself submitted names where it came from.
        var output = range?.From is not null
            ? await p4.RunAsync("changes", "-s", "submitted", "-l", source + range.RevisionRange).ConfigureAwait(false)
            : await p4.RunAsync("changes", "-s", "submitted", "-l", "-m", "1", source + range?.RevisionRange).ConfigureAwait(false);
        if (output.Failed) return ("", [], output);
        var described = P4Parsers.Changes(output).Changes.OrderBy(c => c.Number).ToList();
        var owners = new JsonArray([.. described.TakeLast(MaxNamed).Select(c => new JsonObject
        {
            ["change"] = c.Number,
            ["user"] = c.User,
            // As `p4 changes` without -l shows it (the first 31 characters, lines joined): what a message quotes.
            ["description"] = ShortDescription(c.Description),
        })]);
        var changes = described.Select(c => c.Number).ToList();
        var lines = changes.Take(MaxNamed).Select(n => $"#p4flow-source: CL {n} in {source}").ToList();
        if (changes.Count > MaxNamed) lines.Add($"#p4flow-source: and {changes.Count - MaxNamed} more changes up to CL {changes[^1]} in {source}");
        if (range?.From is null && changes.Count == 1) lines[0] += " (and every change before it)";
        // A change P4Flow brought to the source from elsewhere carries its origin on: "CL 42 in //depot/main/... via CL 57".
        lines.AddRange(described.TakeLast(MaxNamed)
            .SelectMany(c => (c.Description ?? "").Split('\n').Select(l => l.Trim())
                .Where(l => l.StartsWith(SourceTag + "CL ", StringComparison.Ordinal))
                .Select(l => $"{l} via CL {c.Number}"))
            .Distinct(StringComparer.Ordinal).Take(MaxNamed));
        return (string.Join("\n", lines), owners, null);
    }

    private static string BranchName(string branch) =>
        System.Text.RegularExpressions.Regex.IsMatch(branch, "^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
            ? branch
            : throw new ActivityInputException("branch", $"Input 'branch' must be a branch spec name (letters, digits, '.', '_', '-'), got '{branch}'.");
}
