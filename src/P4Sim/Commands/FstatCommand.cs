using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 fstat [-Ro -Ru] [-m max] files: one tagged record per file, always tagged.</summary>
internal static class FstatCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "mTe");
        if (args.Files.Count == 0)
        {
            context.Out.Error("Usage: fstat [ -F filter -T fields -m max -r ] [-c | -e changelist#] [ -Ox -Rx -Sx ] [-A pattern] [-U] file[rev]...\nMissing/wrong number of arguments.", GenericCode.Usage);
            return;
        }

        if (context.Specs(args.Files) is not { } specs)
        {
            return;
        }

        var workspace = context.Workspace;
        bool openedOnly = args.Has("-Ro"), unresolvedOnly = args.Has("-Ru");
        var printed = 0;
        foreach (var spec in specs)
        {
            var matched = 0;
            foreach (var path in context.KnownPaths().Where(p => spec.Matches(p, workspace)))
            {
                var open = context.State.OpenedBy(context.ClientName, path);
                if ((openedOnly || unresolvedOnly) && open is null || unresolvedOnly && open!.Unresolved.Count == 0)
                {
                    continue;
                }

                if (args.IntValue('m') is { } max && printed >= max)
                {
                    return;
                }

                context.Out.Record(Record(context, workspace, path, open), null);
                matched++;
                printed++;
            }

            if (matched == 0)
            {
                var message = unresolvedOnly ? "no file(s) to resolve." : openedOnly ? "file(s) not opened on this client." : "no such file(s).";
                context.Out.Warn($"{spec.Original} - {message}");
            }
        }
    }

    private static TagRecord Record(CommandContext context, Workspace? workspace, string path, OpenedFile? open)
    {
        var record = new TagRecord().Add("depotFile", path);
        if (workspace?.LocalPath(path) is { } local)
        {
            record.Add("clientFile", local).Add("isMapped", "");
        }

        if (context.State.File(path) is { } file)
        {
            var head = file.Head;
            record.Add("headAction", head.Action).Add("headType", head.Type).Add("headTime", head.Time)
                .Add("headRev", head.Rev).Add("headChange", head.Change).Add("headModTime", head.Time);
        }

        var have = context.State.HaveRev(context.ClientName, path);
        if (have > 0)
        {
            record.Add("haveRev", have);
        }

        if (open is not null)
        {
            record.Add("action", open.Action).Add("change", CommandContext.ChangeName(open.Change)).Add("type", open.Type)
                .Add("actionOwner", open.User).Add("workRev", Revisions.Shown(open, context.State));
            if (open.Unresolved.Count > 0)
            {
                record.Add("unresolved", "");
            }
            else if (open.Resolved.Count > 0)
            {
                record.Add("resolved", "");
            }
        }

        var others = context.State.OpenedElsewhere(context.ClientName, path).ToList();
        for (var i = 0; i < others.Count; i++)
        {
            var index = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            record.Add("otherOpen" + index, $"{others[i].User}@{others[i].Client}")
                .Add("otherAction" + index, others[i].Action)
                .Add("otherChange" + index, CommandContext.ChangeName(others[i].Change));
        }

        if (others.Count > 0)
        {
            record.Add("otherOpen", others.Count);
        }

        if (others.Find(o => o.Locked) is { } holder)
        {
            record.Add("otherLock0", $"{holder.User}@{holder.Client}").Add("otherLock", "");
        }

        if (open?.Locked == true)
        {
            record.Add("ourLock", "");
        }

        return record;
    }
}
