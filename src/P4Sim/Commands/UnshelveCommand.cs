using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 unshelve -s N [-c M] [-f -n] [file...]: opens the shelved files of change N in this client with
/// their shelved action, type, base revision and resolved integration records, and writes their content
/// into the workspace ("the same open action and pending integration history as if it had originated
/// from that user and client", p4 help unshelve). Lines and sources: REFERENCE.md, "unshelve".
/// </summary>
internal static class UnshelveCommand
{
    private const string Usage = "Usage: unshelve -s changelist# [options] [file ...]\nMissing/wrong number of arguments.";

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "sc");
        if (!context.TryWorkspace(out var workspace))
        {
            return;
        }

        if (args.IntValue('s') is not { } source)
        {
            context.Out.Error(Usage, GenericCode.Usage);
            return;
        }

        if (!context.State.Changes.ContainsKey(source))
        {
            context.Out.Error($"Change {source} unknown.", GenericCode.Unknown);
            return;
        }

        var target = args.Value('c') == "default" ? 0 : args.IntValue('c');
        if (!OpenSupport.TryChange(context, target, out var change) || context.Specs(args.Files) is not { } specs)
        {
            return;
        }

        var files = Matching(context, workspace, source, specs, args.Files);
        foreach (var shelved in files)
        {
            Unshelve(context, workspace, source, shelved, change, force: args.Has("-f"), preview: args.Has("-n"));
        }
    }

    /// <summary>
    /// The shelved files mapped into this client that match the arguments. With none, the plural warning
    /// ExTOUNSHELVE, whose argument without file arguments is the change ("Change 11678 - no file(s) to unshelve.").
    /// </summary>
    private static List<ShelvedFile> Matching(CommandContext context, Workspace workspace, int source, List<FileSpec> specs, IReadOnlyList<string> arguments)
    {
        var shelf = context.State.Shelves.GetValueOrDefault(source) ?? [];
        var result = new List<ShelvedFile>();
        var unmatched = new List<string>();
        foreach (var spec in specs)
        {
            var matched = shelf.Where(s => workspace.LocalPath(s.DepotPath) is not null && spec.Matches(s.DepotPath, workspace)).ToList();
            if (matched.Count == 0)
            {
                unmatched.Add(spec.Original);
            }

            result.AddRange(matched.Where(s => !result.Contains(s)));
        }

        if (arguments.Count == 0 && result.Count == 0)
        {
            context.Out.Warn($"Change {source} - no file(s) to unshelve.");
        }
        else
        {
            foreach (var argument in arguments.Count == 0 ? [] : unmatched)
            {
                context.Out.Warn($"{argument} - no file(s) to unshelve.");
            }
        }

        return result.OrderBy(s => s.DepotPath, StringComparer.Ordinal).ToList();
    }

    private static void Unshelve(CommandContext context, Workspace workspace, int source, ShelvedFile shelved, int change, bool force, bool preview)
    {
        var path = shelved.DepotPath;
        var local = workspace.LocalPath(path)!;
        if (context.State.OpenedBy(workspace.Name, path) is { } open)
        {
            if (open.Action == "edit" && shelved.Action == "edit")
            {
                ShelfResolve.Schedule(context, open, shelved, source, preview);
                return;
            }

            // MsgDm::UnshelveBadAction: only an edit may be unshelved over an edit (p4 help unshelve).
            context.Out.Info($"{path} - can't unshelve (already opened for {open.Action})");
            return;
        }

        var isNew = shelved.Action is "add" or "branch";
        var rev = isNew ? "none" : Revisions.Tag(shelved.WorkRev);
        context.Out.Record(
            new TagRecord().Add("depotFile", path).Add("rev", rev).Add("action", shelved.Action),
            $"{path}#{rev} - unshelved, opened for {shelved.Action}");

        // The client refuses to overwrite a writable file it does not know (noclobber), and the file is then
        // left unopened although the line above was printed: a public transcript shows exactly this for an add.
        if (shelved.Action != "delete" && !force && workspace.Spec.Options.Contains("noclobber", StringComparison.Ordinal) && LocalFiles.IsWritable(local))
        {
            context.Out.Error($"Can't clobber writable file {local}", GenericCode.Client);
            return;
        }

        if (preview)
        {
            return;
        }

        context.State.Opened.Add(new OpenedFile
        {
            DepotPath = path,
            Client = workspace.Name,
            User = context.User,
            Action = shelved.Action,
            Change = change,
            Type = shelved.Type,
            WorkRev = shelved.WorkRev,
            BranchBlob = shelved.Action == "branch" ? shelved.Blob : null,
            Resolved = shelved.Resolved.Select(Copy).ToList(),
        });

        // The have revision becomes the shelf's base revision even when the client had a later one (public
        // transcripts: sync after unshelve then says "must resolve #2 before submitting").
        var have = context.State.HaveOf(workspace.Name);
        if (isNew)
        {
            have.Remove(path);
        }
        else
        {
            have[path] = shelved.WorkRev;
        }

        if (shelved.Action == "delete")
        {
            LocalFiles.Delete(local);
        }
        else
        {
            context.WriteWorkspaceFile(local, context.Content(shelved.Blob), writable: true);
        }

        context.MarkDirty();
    }

    private static DoneResolve Copy(DoneResolve done) => new()
    {
        FromFile = done.FromFile,
        StartFromRev = done.StartFromRev,
        EndFromRev = done.EndFromRev,
        BaseFile = done.BaseFile,
        BaseRev = done.BaseRev,
        How = done.How,
        ShelfChange = done.ShelfChange,
    };
}
