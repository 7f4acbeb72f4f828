using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 shelve -c N [-f -r] / shelve -d -c N: stores the opened files of a change on the server.</summary>
internal static class ShelveCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "c");
        if (!context.TryWorkspace(out var workspace))
        {
            return;
        }

        if (args.IntValue('c') is not { } number)
        {
            // Without -c p4 opens an editor on a new change form and waits for it to close.
            context.Cancellation.WaitHandle.WaitOne();
            context.Cancellation.ThrowIfCancellationRequested();
            return;
        }

        if (!OpenSupport.TryChange(context, number, out _) || context.Specs(args.Files) is not { } specs)
        {
            return;
        }

        if (args.Has("-d"))
        {
            Delete(context, number);
            return;
        }

        var files = context.State.Opened
            .Where(o => o.Client == workspace.Name && o.Change == number && specs.Exists(s => s.Matches(o.DepotPath, workspace)))
            .OrderBy(o => o.DepotPath, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            context.Out.Error("No files to shelve.", GenericCode.Empty);
            return;
        }

        var existing = context.State.Shelves.GetValueOrDefault(number) ?? [];
        var problems = false;
        foreach (var open in files)
        {
            foreach (var pending in open.Unresolved)
            {
                context.Out.Error($"{open.DepotPath} - must resolve {pending.FromFile}{Revisions.Source(pending)} before shelving", GenericCode.None);
                problems = true;
            }

            if (!args.Has("-f") && !args.Has("-r") && existing.Exists(s => s.DepotPath == open.DepotPath))
            {
                context.Out.Error($"{open.DepotPath} - already shelved, use -f to update.", GenericCode.Context);
                problems = true;
            }
        }

        if (problems)
        {
            return;
        }

        var shelf = args.Has("-r") ? [] : existing.Where(s => !files.Exists(o => o.DepotPath == s.DepotPath)).ToList();
        context.Out.Info($"Shelving files for change {number}.");
        foreach (var open in files)
        {
            var rev = Revisions.Shown(open, context.State);
            var content = open.Action == "delete" ? null : LocalFiles.Read(workspace.LocalPath(open.DepotPath)!);
            shelf.Add(new ShelvedFile
            {
                DepotPath = open.DepotPath,
                Action = open.Action,
                Type = open.Type,
                WorkRev = open.WorkRev,
                Blob = content is null ? null : context.Store.PutBlob(content),
                Resolved = [.. open.Resolved],
            });
            context.Out.Record(
                new TagRecord().Add("change", number).Add("depotFile", open.DepotPath).Add("rev", rev).Add("action", open.Action),
                $"{open.Action} {open.DepotPath}#{rev}");
        }

        context.State.Shelves[number] = shelf.OrderBy(s => s.DepotPath, StringComparer.Ordinal).ToList();
        context.MarkDirty();
        context.Out.Info($"Change {number} files shelved.");
    }

    private static void Delete(CommandContext context, int number)
    {
        if (!context.State.Shelves.Remove(number))
        {
            context.Out.Error("No shelved files in changelist to delete.", GenericCode.Empty);
            return;
        }

        context.MarkDirty();
        context.Out.Info($"Shelved change {number} deleted.");
    }
}
