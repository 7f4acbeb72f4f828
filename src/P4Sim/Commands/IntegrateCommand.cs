using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 integrate [-n -f -r -h -v] [-c N] (from[revRange] to | -b branch [to[revRange]...]): opens
/// target files for branch, integrate or delete and schedules resolves, skipping source revisions
/// already integrated. Targets behind the head are synced first unless -h is given; -v ("virtual")
/// leaves the workspace alone except for targets that need resolving.
/// </summary>
internal static class IntegrateCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "cbsm");
        if (!context.TryWorkspace(out var workspace) || !OpenSupport.TryChange(context, args.IntValue('c'), out var change))
        {
            return;
        }

        var pairs = Pairs(context, args, out var targetFilter, out var sourceRevision);
        if (pairs is null)
        {
            return;
        }

        var options = new IntegrateOptions(args.Has("-n"), args.Has("-f"), change, args.Has("-v"), args.Has("-h"), IntegrationHistory.ByTarget(context.State));
        var acted = 0;
        var noTargetInView = 0;
        foreach (var (source, target) in pairs)
        {
            if (targetFilter.Count > 0 && !targetFilter.Exists(f => f.Matches(target, workspace)))
            {
                continue;
            }

            if (workspace.LocalPath(target) is null)
            {
                noTargetInView++;
                continue;
            }

            if (Integrate(context, workspace, source, target, sourceRevision, options))
            {
                acted++;
            }
        }

        if (acted > 0)
        {
            return;
        }

        if (pairs.Count > 0 && noTargetInView == pairs.Count)
        {
            context.Out.Warn($"{(args.Files.Count > 0 ? args.Files[^1] : "//...")} - no target file(s) in both client and branch view.");
        }
        else if (args.Value('b') is not null)
        {
            context.WarnPerArgument(args.Files, "All revision(s) already integrated.", "all revision(s) already integrated.");
        }
        else
        {
            context.Out.Warn("All revision(s) already integrated.");
        }
    }

    private sealed record IntegrateOptions(bool Preview, bool Force, int Change, bool Virtual, bool KeepHave, ILookup<string, IntegrationRecord> History);

    /// <summary>(source, target) depot paths from a branch view or a "from to" pair; null after an error.</summary>
    private static List<(string Source, string Target)>? Pairs(CommandContext context, CommandArguments args, out List<FileSpec> targetFilter, out RevisionSpec? sourceRevision)
    {
        targetFilter = [];
        sourceRevision = null;
        ViewMap view;
        FileSpec? sourceSpec = null;
        if (args.Value('b') is { } branchName)
        {
            if (!context.State.Branches.TryGetValue(branchName, out var branch))
            {
                context.Out.Error($"No such branch '{branchName}'.", GenericCode.Unknown);
                return null;
            }

            var lines = args.Has("-r") ? branch.View.Select(Reverse) : branch.View;
            view = new ViewMap(lines);
            if (context.Specs(args.Files, defaultAll: false) is not { } filter)
            {
                return null;
            }

            targetFilter = filter;
            sourceRevision = filter.Select(f => f.Revision).FirstOrDefault(r => r is not null);
        }
        else
        {
            if (args.Files.Count != 2)
            {
                context.Out.Error("Usage: integrate [ -c changelist# -Di -f -h -O<flags> -n -m max -R<flags> -q -r -s from -S<flags> -v ] [-b branch] from to\nMissing/wrong number of arguments.", GenericCode.Usage);
                return null;
            }

            if (context.Specs(args.Files) is not { } specs)
            {
                return null;
            }

            sourceSpec = specs[0];
            // "revRange can be used on fromFile, or on toFile, but not on both" (p4 help integrate).
            sourceRevision = sourceSpec.Revision ?? specs[1].Revision;
            view = new ViewMap([$"{sourceSpec.ConcreteDepotPath(context.Workspace) ?? sourceSpec.Path} {specs[1].ConcreteDepotPath(context.Workspace) ?? specs[1].Path}"]);
        }

        var pairs = new List<(string, string)>();
        foreach (var file in context.State.Files.Values)
        {
            if (view.Translate(file.Path) is { } target && target != file.Path)
            {
                pairs.Add((file.Path, target));
            }
        }

        if (pairs.Count == 0 && sourceSpec is not null)
        {
            context.Out.Warn($"{sourceSpec.Original} - no such file(s).");
            return null;
        }

        return pairs;
    }

    private static string Reverse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 ? $"{parts[1]} {parts[0]}" : line;
    }

    private static bool Integrate(CommandContext context, Workspace workspace, string source, string target, RevisionSpec? sourceRevision, IntegrateOptions options)
    {
        var state = context.State;
        var sourceFile = state.File(source)!;
        var end = sourceRevision?.Resolve(sourceFile, state, 0) ?? sourceFile.HeadRev;
        var lower = sourceRevision?.LowerExclusive(sourceFile, state) ?? 0;
        var targetFile = state.File(target);
        var open = state.OpenedBy(workspace.Name, target);
        var credited = options.Force ? [] : IntegrationHistory.Credited(options.History, source, target, open);
        var pending = Enumerable.Range(lower + 1, Math.Max(end - lower, 0)).Where(r => !credited.Contains(r)).ToList();
        if (pending.Count == 0)
        {
            return false;
        }

        var start = pending[0] - 1;
        var targetExists = targetFile is not null && !targetFile.Head.IsDeleted;
        var sourceDeleted = sourceFile.At(end)!.IsDeleted;
        if (!targetExists && sourceDeleted)
        {
            return false;
        }

        if (state.ExclusivelyOpenedElsewhere(workspace.Name, target))
        {
            // The trap: p4 reports this as information and exits 0.
            context.Out.Info($"{target} - can't integrate exclusive file already opened");
            return true;
        }

        var have = state.HaveRev(workspace.Name, target);
        var mustSync = targetExists && have != targetFile!.HeadRev && open is null;
        if (mustSync && options.KeepHave)
        {
            context.Out.Warn($"{target} - must sync before integrating.", GenericCode.NotYet);
            return true;
        }

        var action = !targetExists ? "branch" : sourceDeleted ? "delete" : "integrate";
        var workRev = action == "branch" ? (targetFile?.HeadRev ?? 0) + 1 : mustSync ? targetFile!.HeadRev : have;
        // A cherry-pick (a range that skips unintegrated revisions) merges against the revision
        // just before the range and says so: "integrate from //x#5 using base //x#4".
        var cherryPick = start > 0 && IntegrationHistory.Base(credited, start) != start;
        var baseRev = cherryPick ? start : IntegrationHistory.Base(credited, start);
        var range = Revisions.Range(start, end);
        // A target behind the head is synced by integrate itself (MsgDm IntegSyncIntegBase "sync/%action% from").
        var verb = mustSync ? $"sync/{action}" : action;
        var text = action switch
        {
            "branch" => $"{target}#{workRev} - branch/sync from {source}{range}",
            "delete" => $"{target}#{workRev} - {verb} from {source}{range}",
            _ when cherryPick => $"{target}#{workRev} - {verb} from {source}{range} using base {source}#{baseRev}",
            _ => $"{target}#{workRev} - {verb} from {source}{range}",
        };
        var local = workspace.LocalPath(target)!;
        context.Out.Record(
            new TagRecord().Add("depotFile", target).Add("clientFile", local).Add("workRev", workRev).Add("action", action)
                .Add("fromFile", source).Add("startFromRev", Revisions.Tag(start)).Add("endFromRev", end),
            text);
        if (options.Preview)
        {
            return true;
        }

        if (mustSync)
        {
            have = SyncTarget(context, workspace, targetFile!, local, action, options.Virtual);
        }

        var sourceRevisionAtEnd = sourceFile.At(end)!;
        open ??= Open(context, workspace, target, action, action == "branch" ? sourceRevisionAtEnd.Type : targetFile!.Head.Type, have, options.Change);
        if (action == "branch")
        {
            open.BranchBlob = sourceRevisionAtEnd.Blob;
            open.Resolved.Add(new DoneResolve { FromFile = source, StartFromRev = start, EndFromRev = end, How = "branch from" });
            open.Virtual = options.Virtual;
            if (!options.Virtual)
            {
                context.WriteWorkspaceFile(local, context.Content(sourceRevisionAtEnd.Blob), writable: true);
            }
        }
        else if (action == "delete")
        {
            open.Resolved.Add(new DoneResolve { FromFile = source, StartFromRev = start, EndFromRev = end, How = "delete from" });
            open.Virtual = options.Virtual;
            if (!options.Virtual)
            {
                LocalFiles.Delete(local);
            }
        }
        else
        {
            // A content resolve needs the target in the workspace, so even -v leaves it there.
            open.Unresolved.Add(new PendingResolve { FromFile = source, StartFromRev = start, EndFromRev = end, BaseFile = source, BaseRev = baseRev });
        }

        context.MarkDirty();
        return true;
    }

    /// <summary>Brings an out-of-date target to its head revision; a virtual delete only moves the have list.</summary>
    private static int SyncTarget(CommandContext context, Workspace workspace, DepotFile targetFile, string local, string action, bool isVirtual)
    {
        context.State.HaveOf(workspace.Name)[targetFile.Path] = targetFile.HeadRev;
        if (!(isVirtual && action == "delete"))
        {
            context.WriteWorkspaceFile(local, context.Content(targetFile.Head.Blob), writable: false);
        }

        return targetFile.HeadRev;
    }

    private static OpenedFile Open(CommandContext context, Workspace workspace, string target, string action, string type, int have, int change)
    {
        var open = new OpenedFile
        {
            DepotPath = target,
            Client = workspace.Name,
            User = context.User,
            Action = action,
            Change = change,
            Type = type,
            WorkRev = action == "branch" ? 0 : have,
        };
        context.State.Opened.Add(open);
        return open;
    }
}
