using System.Globalization;
using System.Security.Cryptography;
using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 fstat [-Ro -Ru] [-Ol -Or] [-m max] file[rev]...: one tagged record per file, always tagged. The head
/// fields describe the revision the argument names (the head without one).
/// </summary>
internal static class FstatCommand
{
    /// <summary>What the -O letters ask for; "-Olr" and "-Ol -Or" both set both, and the old "-l" is "-Ol".</summary>
    private sealed record OutputOptions(bool SizeAndDigest, bool PendingIntegrations);

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "mTeO");
        if (args.Files.Count == 0)
        {
            context.Out.Error("Usage: fstat [ -F filter -T fields -m max -r ] [-c | -e changelist#] [ -Ox -Rx -Sx ] [-A pattern] [-U] file[rev]...\nMissing/wrong number of arguments.", GenericCode.Usage);
            return;
        }

        if (context.Specs(args.Files) is not { } specs)
        {
            return;
        }

        var letters = string.Concat(args.Values('O'));
        var options = new OutputOptions(letters.Contains('l', StringComparison.Ordinal) || args.Has("-l"), letters.Contains('r', StringComparison.Ordinal));
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

                var revision = Selected(context, spec, path);
                if (spec.Revision is not null && revision is null && open is null)
                {
                    continue;
                }

                if (args.IntValue('m') is { } max && printed >= max)
                {
                    return;
                }

                context.Out.Record(Record(context, workspace, path, revision, open, options), null);
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

    /// <summary>The revision the argument names ("#2", "@5", the end of "#2,4"), the head without one; null when there is none.</summary>
    private static Revision? Selected(CommandContext context, FileSpec spec, string path)
    {
        if (context.State.File(path) is not { } file)
        {
            return null;
        }

        if (spec.Revision is not { } wanted)
        {
            return file.Head;
        }

        if (wanted is { From: null, Rev: { } asked } && asked > file.HeadRev)
        {
            // "#9" past the head names no revision; only a range's upper end is cut to the head.
            return null;
        }

        var rev = wanted.Resolve(file, context.State, context.State.HaveRev(context.ClientName, path));
        return rev > wanted.LowerExclusive(file, context.State) ? file.At(rev) : null;
    }

    private static TagRecord Record(CommandContext context, Workspace? workspace, string path, Revision? revision, OpenedFile? open, OutputOptions options)
    {
        var record = new TagRecord().Add("depotFile", path);
        if (workspace?.LocalPath(path) is { } local)
        {
            record.Add("clientFile", local).Add("isMapped", "");
        }

        if (revision is not null)
        {
            record.Add("headAction", revision.Action).Add("headType", revision.Type).Add("headTime", revision.Time)
                .Add("headRev", revision.Rev).Add("headChange", revision.Change).Add("headModTime", revision.Time);
        }

        var have = context.State.HaveRev(context.ClientName, path);
        if (have > 0)
        {
            record.Add("haveRev", have);
        }

        if (options.SizeAndDigest && revision is { IsDeleted: false })
        {
            var content = context.Content(revision.Blob);
            record.Add("digest", Digest(content)).Add("fileSize", content.Length);
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
            var index = i.ToString(CultureInfo.InvariantCulture);
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

        if (options.PendingIntegrations && open is not null)
        {
            AddIntegrationRecords(record, open);
        }

        return record;
    }

    /// <summary>
    /// -Or: the open's integration records not yet submitted, the resolved ones first (they were scheduled
    /// first), then those still to resolve. Unlike resolve -n, the start revision is the first one
    /// included, not the one before it.
    /// </summary>
    private static void AddIntegrationRecords(TagRecord record, OpenedFile open)
    {
        var entries = open.Resolved
            .Select(d => (Action: d.How, Type: ResolveType(d.How), d.BaseFile, d.BaseRev, d.FromFile, d.StartFromRev, d.EndFromRev))
            .Concat(open.Unresolved.Select(p => (Action: "unresolved", Type: "content", p.BaseFile, p.BaseRev, p.FromFile, p.StartFromRev, p.EndFromRev)));
        var n = 0;
        foreach (var entry in entries)
        {
            var index = n++.ToString(CultureInfo.InvariantCulture);
            record.Add("resolveAction" + index, entry.Action);
            if (entry.BaseRev > 0)
            {
                record.Add("resolveBaseFile" + index, entry.BaseFile).Add("resolveBaseRev" + index, entry.BaseRev);
            }

            record.Add("resolveFromFile" + index, entry.FromFile)
                .Add("resolveStartFromRev" + index, entry.StartFromRev + 1)
                .Add("resolveEndFromRev" + index, entry.EndFromRev)
                .Add("resolveType" + index, entry.Type);
        }
    }

    /// <summary>Records that integrate opened as a branch or a delete are of those resolve types; the rest are content merges.</summary>
    private static string ResolveType(string how) => how switch
    {
        "branch from" => "branch",
        "delete from" => "delete",
        _ => "content",
    };

#pragma warning disable CA5351 // p4's digest is the MD5 of the revision's content: the algorithm is the format, not a security choice.
    private static string Digest(byte[] content) => Convert.ToHexString(MD5.HashData(content));
#pragma warning restore CA5351
}
