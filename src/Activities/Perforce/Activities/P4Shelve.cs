using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 shelve", Kind = ActivityKind.Job, Stage = "SHELVE",
    Description = "Creates a numbered change with the description, moves the job's opened files into it and shelves them.")]
public sealed class P4Shelve : P4Activity
{
    [Input(Description = "Change description.", Required = true, UIHint = "multiline", DefaultSyntax = "JavaScript")]
    public Input<string> Description { get; } = new();

    [Input(Description = "Lines that trace the change back to its source (the integrate activity's provenance output).", UIHint = "multiline", DefaultSyntax = "JavaScript")]
    public Input<string> Provenance { get; } = new();

    [Output(Description = "The shelved change number.")]
    public Output<int> Change { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var description = (context.Get(Description) ?? "").Trim();
        if (description.Length == 0) throw new ActivityInputException("description", "Input 'description' must not be empty.");
        // What the change carries and which job made it, below the person's text, where p4 changes -l shows them.
        var provenance = (context.Get(Provenance) ?? "").Trim();
        description = $"{description}\n\n{(provenance.Length > 0 ? provenance + "\n" : "")}#p4flow-job: {context.JobId}";
        // A spec field continues on tab-indented lines; indenting every line keeps the text from becoming another field.
        var body = string.Join("\n", description.Split('\n').Select(line => "\t" + line.TrimEnd('\r')));
        var spec = $"Change:\tnew\n\nClient:\t{p4.ClientName}\n\nUser:\t{p4.User}\n\nStatus:\tnew\n\nDescription:\n{body}\n";
        var created = await p4.RunWithInputAsync(spec, "change", "-i").ConfigureAwait(false);
        var change = P4Parsers.Change(created).Change;
        if (created.Failed || change is null) return Failure("p4 change -i", created);
        var number = change.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var reopened = await p4.RunAsync("reopen", "-c", number, $"//{p4.ClientName}/...").ConfigureAwait(false);
        if (reopened.Failed) return Failure("p4 reopen", reopened);
        var shelved = await p4.RunAsync("shelve", "-c", number).ConfigureAwait(false);
        if (shelved.Failed) return Failure("p4 shelve", shelved);
        return JobResult.Done(outputs: new JsonObject { [Change.Name] = change.Value, ["files"] = ToJson(P4Parsers.Shelve(shelved).Files) });
    }
}
