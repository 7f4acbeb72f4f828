using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 changes [-l] [-m max] [-s status] [-c client] [-u user] [files]: newest first.</summary>
internal static class ChangesCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "mscu");
        var specs = args.Files.Count == 0 ? [] : context.Specs(args.Files);
        if (specs is null)
        {
            return;
        }

        var changes = context.State.Changes.Values.Reverse()
            .Where(c => args.Value('s') is not { } status || c.Status == status || (status == "shelved" && context.State.Shelves.ContainsKey(c.Number)))
            .Where(c => args.Value('c') is not { } client || c.Client == client)
            .Where(c => args.Value('u') is not { } user || c.User == user)
            .Where(c => specs.Count == 0 || Touches(context, c, specs));
        if (args.IntValue('m') is { } max)
        {
            changes = changes.Take(max);
        }

        var longForm = args.Has("-l") || args.Has("-L");
        foreach (var change in changes)
        {
            var status = change.IsPending ? "*pending* " : "";
            var shortDescription = Descriptions.Short(change.Description);
            var record = new TagRecord()
                .Add("change", change.Number)
                .Add("time", change.Time)
                .Add("user", change.User)
                .Add("client", change.Client)
                .Add("status", change.Status)
                .Add("changeType", "public");
            if (CommonPath(Paths(context, change).ToList()) is { } path)
            {
                record.Add("path", path);
            }

            record.Add("desc", longForm ? change.Description + "\n" : shortDescription);
            if (context.State.Shelves.ContainsKey(change.Number))
            {
                record.Add("shelved", "");
            }

            var head = $"Change {change.Number} on {CommandContext.FormatDay(change.Time)} by {change.User}@{change.Client} {status}";
            var text = longForm
                ? head.TrimEnd() + "\n\n" + string.Join('\n', change.Description.Split('\n').Select(l => "\t" + l)) + "\n"
                : $"{head}'{shortDescription}'";
            context.Out.Record(record, text);
        }
    }

    /// <summary>
    /// Whether a change touches the file arguments: a submitted change through one of its
    /// revisions inside the argument's revision range ("@40,42", "@>40", "#2,4", "@42" = up to 42);
    /// a pending change through its opened or shelved files, and only when no revision is given.
    /// </summary>
    private static bool Touches(CommandContext context, ChangeRecord change, List<FileSpec> specs)
    {
        if (change.IsPending)
        {
            return Paths(context, change).Any(p => specs.Exists(s => s.Revision is null && s.Matches(p, context.Workspace)));
        }

        return context.State.Files.Values.Any(f => f.Revisions.Exists(r => r.Change == change.Number
            && specs.Exists(s => s.Matches(f.Path, context.Workspace) && (s.Revision is null || s.Revision.Contains(f, r, context.State)))));
    }

    private static IEnumerable<string> Paths(CommandContext context, ChangeRecord change) =>
        change.IsPending
            ? context.State.Opened.Where(o => o.Change == change.Number).Select(o => o.DepotPath)
                .Concat(context.State.Shelves.GetValueOrDefault(change.Number, []).Select(s => s.DepotPath)).Distinct()
            : context.State.Files.Values.Where(f => f.Revisions.Exists(r => r.Change == change.Number)).Select(f => f.Path);

    /// <summary>The tagged "path" field: the deepest folder holding every file of the change, as "//depot/dir/...".</summary>
    private static string? CommonPath(List<string> paths)
    {
        if (paths.Count == 0)
        {
            return null;
        }

        var common = paths[0][..(paths[0].LastIndexOf('/') + 1)];
        foreach (var path in paths.Skip(1))
        {
            while (!path.StartsWith(common, StringComparison.Ordinal))
            {
                common = common[..(common.TrimEnd('/').LastIndexOf('/') + 1)];
            }
        }

        return common + "...";
    }
}
