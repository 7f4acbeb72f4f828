using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 edit [-c N] [-t type] files: opens synced files for edit and makes them writable.</summary>
internal static class EditCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "ct");
        if (!context.TryWorkspace(out var workspace) || context.Specs(args.Files, defaultAll: false) is not { } specs
            || !OpenSupport.TryChange(context, args.IntValue('c'), out var change))
        {
            return;
        }

        foreach (var file in OpenSupport.FilesOnClient(context, workspace, specs))
        {
            var have = context.State.HaveRev(workspace.Name, file.Path);
            var existing = context.State.OpenedBy(workspace.Name, file.Path);
            if (existing is not null)
            {
                context.Out.Info(existing.Action is "edit" or "integrate"
                    ? $"{file.Path}#{have} - currently opened for {existing.Action}"
                    : $"{file.Path}#{have} - can't edit (already opened for {existing.Action})");
                continue;
            }

            var others = context.State.OpenedElsewhere(workspace.Name, file.Path).ToList();
            var type = args.Value('t') ?? file.Head.Type;
            if (context.State.ExclusivelyOpenedElsewhere(workspace.Name, file.Path))
            {
                context.Out.Error($"{file.Path} - can't edit exclusive file already opened", GenericCode.NotYet);
                continue;
            }

            context.State.Opened.Add(new OpenedFile
            {
                DepotPath = file.Path,
                Client = workspace.Name,
                User = context.User,
                Action = "edit",
                Change = change,
                Type = type,
                WorkRev = have,
            });
            LocalFiles.SetWritable(workspace.LocalPath(file.Path)!, true);
            context.MarkDirty();
            context.Out.Record(
                new TagRecord().Add("depotFile", file.Path).Add("clientFile", workspace.LocalPath(file.Path)!)
                    .Add("workRev", have).Add("action", "edit").Add("type", type),
                $"{file.Path}#{have} - opened for edit");
            foreach (var other in others)
            {
                context.Out.Info($"{file.Path} - also opened by {other.User}@{other.Client}", 1);
            }

            if (have < file.HeadRev)
            {
                context.Out.Info($"{file.Path} - must sync/resolve #{file.HeadRev} before submitting", 1);
            }
        }
    }
}
