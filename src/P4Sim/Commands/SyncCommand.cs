using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 sync [-f -n -k] [files[revision]]: brings workspace files to the wanted revisions.</summary>
internal static class SyncCommand
{
    private sealed record Step(FileSpec Spec, DepotFile File, int Target, int Have, string Local, OpenedFile? Open);

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "m");
        if (!context.TryWorkspace(out var workspace) || context.Specs(args.Files) is not { } specs)
        {
            return;
        }

        bool force = args.Has("-f"), preview = args.Has("-n"), haveOnly = args.Has("-k");
        var steps = new List<Step>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var quietSpecs = new List<string>();
        foreach (var spec in specs)
        {
            var before = steps.Count;
            foreach (var file in context.State.Files.Values.Where(f => spec.Matches(f.Path, workspace) && workspace.LocalPath(f.Path) is not null))
            {
                if (!seen.Add(file.Path))
                {
                    continue;
                }

                var have = context.State.HaveRev(workspace.Name, file.Path);
                var target = spec.Revision?.Resolve(file, context.State, have) ?? file.HeadRev;
                if (target > 0 && file.At(target)!.IsDeleted)
                {
                    target = 0;
                }

                var open = context.State.OpenedBy(workspace.Name, file.Path);
                if (target == have && !force)
                {
                    continue;
                }

                steps.Add(new Step(spec, file, target, have, workspace.LocalPath(file.Path)!, open));
            }

            if (steps.Count == before)
            {
                quietSpecs.Add(spec.Original);
            }
        }

        var changing = steps.Where(s => s.Open is null && (s.Target > 0 || s.Have > 0)).ToList();
        var totalSize = changing.Sum(s => s.Target > 0 ? s.File.At(s.Target)!.Size : 0);
        var first = true;
        foreach (var step in steps)
        {
            if (step.Open is not null)
            {
                Opened(context, step, preview);
                continue;
            }

            if (step.Target == 0 && step.Have == 0)
            {
                continue;
            }

            if (!Apply(context, workspace, step, preview, haveOnly, force, first ? (changing.Count, totalSize) : null))
            {
                return;
            }

            first = false;
        }

        if (args.Files.Count == 0 ? steps.Count == 0 : quietSpecs.Count > 0)
        {
            context.WarnPerArgument(args.Files.Count == 0 ? [] : quietSpecs, "File(s) up-to-date.", "file(s) up-to-date.");
        }
    }

    private static void Opened(CommandContext context, Step step, bool preview)
    {
        if (step.Target > step.Have)
        {
            // Syncing an opened file schedules a resolve against the newer revisions instead of overwriting it.
            context.Out.Info($"{step.File.Path} - must resolve {Revisions.Range(step.Have, step.Target)} before submitting");
            if (!preview)
            {
                step.Open!.Unresolved.Add(new PendingResolve
                {
                    FromFile = step.File.Path,
                    StartFromRev = step.Have,
                    EndFromRev = step.Target,
                    BaseFile = step.File.Path,
                    BaseRev = step.Have,
                });
                step.Open.WorkRev = step.Target;
                context.State.HaveOf(step.Open.Client)[step.File.Path] = step.Target;
                context.MarkDirty();
            }
        }
        else
        {
            context.Out.Info($"{step.File.Path}#{Revisions.Tag(step.Target)} - is opened and not being changed");
        }
    }

    private static bool Apply(CommandContext context, Workspace workspace, Step step, bool preview, bool haveOnly, bool force, (int Count, long Size)? totals)
    {
        var clobbers = !haveOnly && !force && workspace.Spec.Options.Contains("noclobber", StringComparison.Ordinal) && LocalFiles.IsWritable(step.Local);
        if (clobbers && step.Target > 0)
        {
            context.Out.Error($"Can't clobber writable file {step.Local}", GenericCode.Client);
            return false;
        }

        var revision = step.Target > 0 ? step.File.At(step.Target)! : step.File.At(step.Have)!;
        var (verb, action) = step.Target == 0 ? ("deleted as", "deleted")
            : step.Have == 0 ? (File.Exists(step.Local) ? ("replacing", "replaced") : ("added as", "added"))
            : step.Have == step.Target ? ("refreshing", "refreshed")
            : ("updating", "updated");
        // "deleted as" names the revision the workspace had (SyncDelete's %haveRev%).
        var shownRev = step.Target == 0 ? step.Have : step.Target;
        var record = new TagRecord()
            .Add("depotFile", step.File.Path)
            .Add("clientFile", step.Local)
            .Add("rev", shownRev)
            .Add("action", action)
            .Add("fileSize", step.Target == 0 ? 0 : revision.Size);
        if (totals is { } t)
        {
            record.Add("totalFileSize", t.Size).Add("totalFileCount", t.Count);
        }

        record.Add("change", revision.Change);
        context.Out.Record(record, $"{step.File.Path}#{shownRev} - {verb} {step.Local}");
        if (preview)
        {
            return true;
        }

        var have = context.State.HaveOf(workspace.Name);
        if (step.Target == 0)
        {
            have.Remove(step.File.Path);
            if (!haveOnly)
            {
                LocalFiles.Delete(step.Local);
            }
        }
        else
        {
            have[step.File.Path] = step.Target;
            if (!haveOnly)
            {
                context.WriteWorkspaceFile(step.Local, context.Content(revision.Blob), writable: false);
            }
        }

        context.MarkDirty();
        return true;
    }
}
