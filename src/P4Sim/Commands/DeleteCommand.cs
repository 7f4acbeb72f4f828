using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 delete [-c N] files: opens synced files for delete and removes them from the workspace.</summary>
internal static class DeleteCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "c");
        if (!context.TryWorkspace(out var workspace) || context.Specs(args.Files, defaultAll: false) is not { } specs
            || !OpenSupport.TryChange(context, args.IntValue('c'), out var change))
        {
            return;
        }

        foreach (var file in OpenSupport.FilesOnClient(context, workspace, specs))
        {
            var have = context.State.HaveRev(workspace.Name, file.Path);
            if (context.State.OpenedBy(workspace.Name, file.Path) is { } existing)
            {
                context.Out.Info(existing.Action == "delete"
                    ? $"{file.Path}#{have} - currently opened for delete"
                    : $"{file.Path}#{have} - can't delete (already opened for {existing.Action})");
                continue;
            }

            if (context.State.ExclusivelyOpenedElsewhere(workspace.Name, file.Path))
            {
                context.Out.Error($"{file.Path} - can't delete exclusive file already opened", GenericCode.NotYet);
                continue;
            }

            context.State.Opened.Add(new OpenedFile
            {
                DepotPath = file.Path,
                Client = workspace.Name,
                User = context.User,
                Action = "delete",
                Change = change,
                Type = file.Head.Type,
                WorkRev = have,
            });
            LocalFiles.Delete(workspace.LocalPath(file.Path)!);
            context.MarkDirty();
            context.Out.Record(
                new TagRecord().Add("depotFile", file.Path).Add("clientFile", workspace.LocalPath(file.Path)!).Add("workRev", have).Add("action", "delete").Add("type", file.Head.Type),
                $"{file.Path}#{have} - opened for delete");
        }
    }
}
