using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 revert [-a -k -n] [-c N] files: discards opens and restores the have revision.</summary>
internal static class RevertCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "c");
        if (!context.TryWorkspace(out var workspace))
        {
            return;
        }

        bool unchangedOnly = args.Has("-a"), keep = args.Has("-k"), preview = args.Has("-n");
        var files = args.Files.Count == 0 && (unchangedOnly || args.IntValue('c') is not null) ? ["//..."] : args.Files;
        if (files.Count == 0)
        {
            context.Out.Error("Usage: revert [-a -n -k -w -c changelist# -C client] [--remote=rmt] files...\nMissing/wrong number of arguments.", GenericCode.Usage);
            return;
        }

        if (context.Specs(files) is not { } specs)
        {
            return;
        }

        foreach (var open in OpenSupport.OpenedOnClient(context, workspace, specs, args.Files, args.IntValue('c')))
        {
            var local = workspace.LocalPath(open.DepotPath)!;
            var have = context.State.HaveRev(workspace.Name, open.DepotPath);
            var haveRevision = context.State.File(open.DepotPath)?.At(have);
            if (unchangedOnly && (open.Action != "edit" || !SameContent(context, local, haveRevision)))
            {
                continue;
            }

            var abandoned = open.Action is "add" or "branch";
            var text = abandoned
                ? $"{open.DepotPath}#none - was {open.Action}, abandoned"
                : $"{open.DepotPath}#{have} - was {open.Action}, reverted";
            context.Out.Record(
                new TagRecord().Add("depotFile", open.DepotPath).Add("clientFile", local).Add("oldAction", open.Action)
                    .Add("action", abandoned ? "abandoned" : "reverted").Add("haveRev", Revisions.Tag(have)),
                text);
            if (preview)
            {
                continue;
            }

            context.State.Opened.Remove(open);
            context.MarkDirty();
            if (keep)
            {
                continue;
            }

            if (open.Action == "branch")
            {
                LocalFiles.Delete(local);
            }
            else if (open.Action == "add")
            {
                LocalFiles.SetWritable(local, true);
            }
            else if (haveRevision is not null)
            {
                LocalFiles.Write(local, context.Content(haveRevision.Blob), writable: false);
            }
        }
    }

    private static bool SameContent(CommandContext context, string local, Revision? revision) =>
        revision is not null && LocalFiles.Read(local) is { } bytes && bytes.AsSpan().SequenceEqual(context.Content(revision.Blob));
}
