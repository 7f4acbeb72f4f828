using System.Globalization;
using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Merge;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 describe [-s] [-S] N: a change, its files and (without -s) their diffs.</summary>
internal static class DescribeCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "d");
        foreach (var argument in args.Files)
        {
            if (!int.TryParse(argument, CultureInfo.InvariantCulture, out var number) || !context.State.Changes.TryGetValue(number, out var change))
            {
                context.Out.Error($"Change {argument} unknown.", GenericCode.Unknown);
                continue;
            }

            Describe(context, change, shelved: args.Has("-S"), diffs: !args.Has("-s") && !args.Has("-S"));
        }
    }

    private static void Describe(CommandContext context, ChangeRecord change, bool shelved, bool diffs)
    {
        var files = shelved
            ? context.State.Shelves.GetValueOrDefault(change.Number, []).Select(s => (s.DepotPath, s.WorkRev == 0 ? 1 : s.WorkRev, s.Action, s.Type)).ToList()
            : change.IsPending
                ? context.State.Opened.Where(o => o.Change == change.Number && o.Client == change.Client).Select(o => (o.DepotPath, o.WorkRev == 0 ? 1 : o.WorkRev, o.Action, o.Type)).ToList()
                : context.State.Files.Values.SelectMany(f => f.Revisions.Where(r => r.Change == change.Number).Select(r => (f.Path, r.Rev, r.Action, r.Type))).ToList();

        var record = new TagRecord()
            .Add("change", change.Number)
            .Add("user", change.User)
            .Add("client", change.Client)
            .Add("time", change.Time)
            .Add("desc", change.Description + "\n")
            .Add("status", change.Status)
            .Add("changeType", "public");
        if (shelved)
        {
            record.Add("shelved", "");
        }

        for (var i = 0; i < files.Count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            record.Add("depotFile" + index, files[i].Item1)
                .Add("action" + index, files[i].Action)
                .Add("type" + index, files[i].Type)
                .Add("rev" + index, files[i].Item2);
        }

        // MsgDm DescribeChangePending: "%change% by %user%@%client% on %date% *pending*".
        var pending = change.IsPending ? " *pending*" : "";
        var lines = new List<string>
        {
            $"Change {change.Number} by {change.User}@{change.Client} on {CommandContext.FormatTime(change.Time)}{pending}",
            "",
        };
        lines.AddRange(change.Description.Split('\n').Select(l => "\t" + l));
        lines.Add("");
        lines.Add(shelved ? "Shelved files ..." : "Affected files ...");
        lines.Add("");
        lines.AddRange(files.Select(f => $"... {f.Item1}#{f.Item2} {f.Action}"));
        lines.Add("");
        if (diffs && !change.IsPending)
        {
            lines.Add("Differences ...");
            lines.Add("");
            foreach (var file in files)
            {
                lines.Add($"==== {file.Item1}#{file.Item2} ({file.Type}) ====");
                lines.Add("");
                lines.AddRange(Differences(context, file.Item1, file.Item2));
            }
        }

        context.Out.Record(record, string.Join('\n', lines));
    }

    /// <summary>A normal diff (as "diff" prints) against the previous revision, for text files.</summary>
    private static IEnumerable<string> Differences(CommandContext context, string path, int rev)
    {
        var file = context.State.File(path)!;
        var current = file.At(rev)!;
        var previous = file.At(rev - 1);
        if (FileTypes.IsBinary(current.Type) || previous is null || current.IsDeleted || previous.IsDeleted)
        {
            yield break;
        }

        var before = LineDiff.Lines(System.Text.Encoding.UTF8.GetString(context.Content(previous.Blob)));
        var after = LineDiff.Lines(System.Text.Encoding.UTF8.GetString(context.Content(current.Blob)));
        var offset = 0;
        foreach (var hunk in LineDiff.Diff(before, after))
        {
            var newStart = hunk.Start + offset;
            offset += hunk.Lines.Count - (hunk.End - hunk.Start);
            string Range(int start, int count) => count <= 1 ? $"{start + 1}" : $"{start + 1},{start + count}";
            yield return hunk.Lines.Count == 0 ? $"{Range(hunk.Start, hunk.End - hunk.Start)}d{newStart}"
                : hunk.IsInsertion ? $"{hunk.Start}a{Range(newStart, hunk.Lines.Count)}"
                : $"{Range(hunk.Start, hunk.End - hunk.Start)}c{Range(newStart, hunk.Lines.Count)}";
            foreach (var line in before.Skip(hunk.Start).Take(hunk.End - hunk.Start))
            {
                yield return "< " + line.TrimEnd('\n');
            }

            if (hunk.Lines.Count > 0 && !hunk.IsInsertion)
            {
                yield return "---";
            }

            foreach (var line in hunk.Lines)
            {
                yield return "> " + line.TrimEnd('\n');
            }
        }

        yield return "";
    }
}
