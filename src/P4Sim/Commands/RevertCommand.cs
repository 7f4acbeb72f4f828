using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 revert [-a -k -n -w] [-c N] files: discards opens (and their locks) and puts the have
/// revision back in the workspace. New files (add, branch) are abandoned or deleted instead.
/// </summary>
internal static class RevertCommand
{
    private const string Usage = "Usage: revert [-a -n -k -w -c changelist# -C client] [--remote=rmt] files...\nMissing/wrong number of arguments.";

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "cC");
        if (!context.TryWorkspace(out var workspace))
        {
            return;
        }

        bool unchangedOnly = args.Has("-a"), keep = args.Has("-k"), preview = args.Has("-n"), deleteAdds = args.Has("-w");
        // Only -a makes the file arguments optional ("p4 help revert").
        var files = args.Files.Count == 0 && unchangedOnly ? ["//..."] : args.Files;
        if (files.Count == 0)
        {
            context.Out.Error(Usage, GenericCode.Usage);
            return;
        }

        if (context.Specs(files) is not { } specs)
        {
            return;
        }

        var change = args.Value('c') is { } c ? c == "default" ? 0 : int.TryParse(c, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1 : (int?)null;
        var opens = Matching(context, workspace, specs, args.Files, change);
        foreach (var open in opens)
        {
            var local = workspace.LocalPath(open.DepotPath)!;
            var have = context.State.HaveRev(workspace.Name, open.DepotPath);
            var haveRevision = context.State.File(open.DepotPath)?.At(have);
            if (unchangedOnly && !IsUnchanged(context, open, local, haveRevision))
            {
                continue;
            }

            var outcome = Outcome(open, local, keep, deleteAdds);
            var isNew = open.Action is "add" or "branch";
            var text = $"{open.DepotPath}#{(isNew ? "none" : Revisions.Tag(have))} - was {open.Action}, {(open.Locked ? "unlocked and " : "")}{outcome}";
            context.Out.Record(
                new TagRecord().Add("depotFile", open.DepotPath).Add("clientFile", local).Add("oldAction", open.Action)
                    .Add("action", outcome).Add("haveRev", isNew ? "none" : Revisions.Tag(have)),
                text);
            if (preview)
            {
                continue;
            }

            // Removing the open is what releases its lock: locks live on opened files.
            context.State.Opened.Remove(open);
            context.MarkDirty();
            if (!keep)
            {
                Restore(context, open, local, haveRevision, outcome);
            }
        }
    }

    /// <summary>Opened files of this client matching the specs (and -c); the plural warning when none.</summary>
    private static List<OpenedFile> Matching(CommandContext context, Workspace workspace, List<FileSpec> specs, IReadOnlyList<string> arguments, int? change)
    {
        if (change is null)
        {
            return OpenSupport.OpenedOnClient(context, workspace, specs, arguments, null);
        }

        var result = new List<OpenedFile>();
        var unmatched = new List<string>();
        foreach (var spec in specs)
        {
            var matched = context.State.Opened.Where(o => o.Client == workspace.Name && o.Change == change && spec.Matches(o.DepotPath, workspace)).ToList();
            if (matched.Count == 0)
            {
                unmatched.Add(spec.Original);
            }

            result.AddRange(matched.Where(o => !result.Contains(o)));
        }

        if (arguments.Count == 0 ? result.Count == 0 : unmatched.Count > 0)
        {
            context.WarnPerArgument(arguments.Count == 0 ? [] : unmatched, "File(s) not opened in that changelist.", "file(s) not opened in that changelist.");
        }

        return result;
    }

    /// <summary>
    /// MsgDm's Release* words: "reverted" when the have revision comes back, "abandoned" when the
    /// workspace file is left alone, "deleted" when a new file is taken out of the workspace.
    /// </summary>
    private static string Outcome(OpenedFile open, string local, bool keep, bool deleteAdds) => open.Action switch
    {
        "add" => deleteAdds && !keep && File.Exists(local) ? "deleted" : "abandoned",
        "branch" => keep || !File.Exists(local) ? "abandoned" : "deleted",
        _ => "reverted",
    };

    private static void Restore(CommandContext context, OpenedFile open, string local, Revision? haveRevision, string outcome)
    {
        if (outcome == "deleted")
        {
            LocalFiles.Delete(local);
        }
        else if (open.Action == "add")
        {
            LocalFiles.SetWritable(local, true);
        }
        else if (haveRevision is null || haveRevision.IsDeleted)
        {
            // Nothing synced (a virtual integrate, or have #0): the workspace had no file to restore.
        }
        else if (LocalFiles.Read(local) is { } bytes && bytes.AsSpan().SequenceEqual(context.Content(haveRevision.Blob)))
        {
            LocalFiles.SetWritable(local, false);
        }
        else
        {
            context.WriteWorkspaceFile(local, context.Content(haveRevision.Blob), writable: false);
        }
    }

    /// <summary>-a: edits and integrations whose content equals the have revision, adds whose file is gone; never files with pending resolves.</summary>
    private static bool IsUnchanged(CommandContext context, OpenedFile open, string local, Revision? haveRevision)
    {
        if (open.Unresolved.Count > 0)
        {
            return false;
        }

        return open.Action switch
        {
            "add" => !File.Exists(local),
            "edit" or "integrate" => haveRevision is not null && open.Type == haveRevision.Type
                && LocalFiles.Read(local) is { } bytes && bytes.AsSpan().SequenceEqual(context.Content(haveRevision.Blob)),
            _ => false,
        };
    }
}
