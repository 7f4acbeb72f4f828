using System.Text;
using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Merge;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 resolve [-am -af -as -at -ay -n] [-c N] [files]: three-way text merges (yours = workspace
/// file, theirs = source, base = last integrated source revision) and two-way binary resolves.
/// Without a mode it behaves as -am, because the interactive prompt cannot be simulated.
/// </summary>
internal static class ResolveCommand
{
    private enum Mode { Merge, Force, Safe, Theirs, Yours, Preview }

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "c");
        if (!context.TryWorkspace(out var workspace) || context.Specs(args.Files) is not { } specs)
        {
            return;
        }

        var mode = args.Has("-n") ? Mode.Preview
            : args.Has("-af") ? Mode.Force
            : args.Has("-as") ? Mode.Safe
            : args.Has("-at") ? Mode.Theirs
            : args.Has("-ay") ? Mode.Yours
            : Mode.Merge;
        var change = args.IntValue('c');
        var unmatched = new List<string>();
        var files = new List<OpenedFile>();
        foreach (var spec in specs)
        {
            var matched = context.State.Opened
                .Where(o => o.Client == workspace.Name && o.Unresolved.Count > 0 && (change is null || o.Change == change) && spec.Matches(o.DepotPath, workspace))
                .OrderBy(o => o.DepotPath, StringComparer.Ordinal)
                .ToList();
            if (matched.Count == 0)
            {
                unmatched.Add(spec.Original);
            }

            files.AddRange(matched.Where(o => !files.Contains(o)));
        }

        foreach (var open in files)
        {
            foreach (var pending in open.Unresolved.ToList())
            {
                if (!Resolve(context, workspace, open, pending, mode))
                {
                    break;
                }
            }
        }

        if (args.Files.Count == 0 ? files.Count == 0 : unmatched.Count > 0)
        {
            context.WarnPerArgument(args.Files.Count == 0 ? [] : unmatched, "No file(s) to resolve.", "no file(s) to resolve.");
        }
    }

    /// <summary>Resolves one scheduled integration; false when the file must not be resolved further.</summary>
    private static bool Resolve(CommandContext context, Workspace workspace, OpenedFile open, PendingResolve pending, Mode mode)
    {
        var local = workspace.LocalPath(open.DepotPath)!;
        var clientPath = workspace.ClientPath(open.DepotPath)!;
        // A shelf resolve (unshelve over an open edit) takes "theirs" from the shelved content, not a revision.
        var theirsRevision = pending.ShelfChange > 0 ? null : context.State.File(pending.FromFile)!.At(pending.EndFromRev)!;
        var theirs = context.Content(theirsRevision is null ? pending.ShelfBlob : theirsRevision.Blob);
        var theirsType = theirsRevision?.Type ?? open.Type;
        var yours = LocalFiles.Read(local) ?? [];
        var baseRevision = pending.BaseRev > 0 ? context.State.File(pending.BaseFile)?.At(pending.BaseRev) : null;
        var twoWay = FileTypes.IsBinary(open.Type) || FileTypes.IsBinary(theirsType) || baseRevision is null;
        var range = Revisions.Source(pending);

        if (mode != Mode.Preview && open.Action == "integrate" && open.Resolved.Count == 0 && IsTampered(context, open, yours))
        {
            context.Out.Error($"{local} tampered with before resolve - edit or revert.", GenericCode.NotYet);
            return false;
        }

        var header = new TagRecord()
            .Add("clientFile", local)
            .Add("fromFile", pending.FromFile)
            .Add("startFromRev", Revisions.Tag(pending.StartFromRev))
            .Add("endFromRev", pending.EndFromRev)
            .Add("resolveType", "content")
            .Add("resolveFlag", "c")
            .Add("contentResolveType", !twoWay ? "3waytext" : baseRevision is null ? "2wayraw" : "3wayraw");
        context.Out.Record(header, twoWay
            ? $"{local} - vs {pending.FromFile}{range}"
            : $"{local} - merging {pending.FromFile}{range}");
        if (mode == Mode.Preview)
        {
            return true;
        }

        var outcome = twoWay
            ? TwoWay(context, yours, theirs, baseRevision, mode)
            : ThreeWay(context, pending, yours, theirs, baseRevision!, clientPath, mode);
        if (outcome is null)
        {
            context.Out.Info($"{clientPath} - resolve skipped.");
            return false;
        }

        var (how, result) = outcome.Value;
        if (result is not null)
        {
            context.WriteWorkspaceFile(local, result, writable: true);
        }
        else
        {
            LocalFiles.SetWritable(local, true);
        }

        open.Unresolved.Remove(pending);
        open.Resolved.Add(new DoneResolve
        {
            FromFile = pending.FromFile,
            StartFromRev = pending.StartFromRev,
            EndFromRev = pending.EndFromRev,
            BaseFile = pending.BaseFile,
            BaseRev = pending.BaseRev,
            How = how,
            ShelfChange = pending.ShelfChange,
        });
        context.MarkDirty();
        context.Out.Record(
            new TagRecord().Add("toFile", clientPath).Add("how", how).Add("fromFile", pending.FromFile),
            how == "ignored" ? $"{clientPath} - ignored {pending.FromFile}" : $"{clientPath} - {how} {pending.FromFile}");
        return true;
    }

    private static (string How, byte[]? Result)? ThreeWay(CommandContext context, PendingResolve pending, byte[] yours, byte[] theirs, Revision baseRevision, string clientPath, Mode mode)
    {
        var theirsLabel = pending.ShelfChange > 0 ? $"{pending.FromFile}@={pending.ShelfChange}" : $"{pending.FromFile}#{pending.EndFromRev}";
        var labels = new MergeLabels($"{pending.BaseFile}#{pending.BaseRev}", theirsLabel, clientPath);
        var merge = ThreeWayMerge.Merge(Text(context.Content(baseRevision.Blob)), Text(yours), Text(theirs), labels);
        context.Out.Info(merge.Summary);
        switch (mode)
        {
            case Mode.Theirs:
                return ("copy from", theirs);
            case Mode.Yours:
                return ("ignored", null);
            case Mode.Merge when merge.Conflicting > 0:
            case Mode.Safe when merge.Conflicting > 0 || (merge.Yours > 0 && merge.Theirs > 0):
                return null;
            case Mode.Force when merge.Conflicting > 0:
                return ("edit from", Encoding.UTF8.GetBytes(merge.Merged));
            default:
                return merge.Theirs == 0 ? ("ignored", null)
                    : merge.Yours == 0 ? ("copy from", theirs)
                    : ("merge from", Encoding.UTF8.GetBytes(merge.Merged));
        }
    }

    /// <summary>Binary files (and files without a base) are compared whole; -am and -af never accept them.</summary>
    private static (string How, byte[]? Result)? TwoWay(CommandContext context, byte[] yours, byte[] theirs, Revision? baseRevision, Mode mode)
    {
        var original = baseRevision is null ? null : context.Content(baseRevision.Blob);
        var same = yours.AsSpan().SequenceEqual(theirs);
        var yoursChanged = original is not null && !yours.AsSpan().SequenceEqual(original);
        var theirsChanged = original is null ? !same : !theirs.AsSpan().SequenceEqual(original);
        var both = yoursChanged && theirsChanged && same ? 1 : 0;
        var conflicting = yoursChanged && theirsChanged && !same ? 1 : 0;
        var yoursOnly = yoursChanged && !theirsChanged ? 1 : 0;
        var theirsOnly = theirsChanged && !yoursChanged ? 1 : 0;
        context.Out.Info($"Non-text diff: {yoursOnly} yours + {theirsOnly} theirs + {both} both + {conflicting} conflicting");
        return mode switch
        {
            Mode.Theirs => ("copy from", theirs),
            Mode.Yours => ("ignored", null),
            Mode.Safe when original is not null && !yoursChanged => ("copy from", theirs),
            Mode.Safe when original is not null && !theirsChanged => ("ignored", null),
            _ => null,
        };
    }

    /// <summary>A file opened for integrate stays read-only until resolved; changed content means someone forced it.</summary>
    private static bool IsTampered(CommandContext context, OpenedFile open, byte[] yours)
    {
        var have = context.State.File(open.DepotPath)?.At(open.WorkRev);
        return have is not null && !yours.AsSpan().SequenceEqual(context.Content(have.Blob));
    }

    private static string Text(byte[] content) => Encoding.UTF8.GetString(content);
}
