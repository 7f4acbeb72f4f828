using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 add [-c N] [-t type] files: opens new workspace files for add.</summary>
internal static class AddCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "ct");
        if (!context.TryWorkspace(out var workspace) || context.Specs(args.Files, defaultAll: false) is not { } specs
            || !OpenSupport.TryChange(context, args.IntValue('c'), out var change))
        {
            return;
        }

        foreach (var spec in specs)
        {
            var locals = LocalFilesOf(spec, workspace);
            if (locals.Count == 0)
            {
                context.Out.Warn($"{spec.Original} - no such file(s).");
            }

            foreach (var local in locals)
            {
                Add(context, workspace, spec, local, change, args.Value('t'));
            }
        }
    }

    private static List<string> LocalFilesOf(FileSpec spec, Workspace workspace)
    {
        var clientPath = spec.Path.StartsWith($"//{workspace.Name}/", StringComparison.Ordinal)
            ? spec.Path
            : spec.ConcreteDepotPath(workspace) is { } depotPath ? workspace.ClientPath(depotPath) : null;
        if (clientPath is null)
        {
            return [];
        }

        var local = workspace.LocalOfClient(clientPath);
        if (!spec.IsWildcard)
        {
            return File.Exists(local) ? [local] : [];
        }

        // "dir/..." adds everything below dir.
        var directory = workspace.LocalOfClient(clientPath[..clientPath.LastIndexOf('/')]);
        var pattern = PathPattern.ToRegex(local);
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => pattern.IsMatch(f)).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private static void Add(CommandContext context, Workspace workspace, FileSpec spec, string local, int change, string? type)
    {
        var depotPath = workspace.ClientOfLocal(local) is { } clientPath ? workspace.DepotPathOfClient(clientPath) : null;
        if (depotPath is null)
        {
            context.Out.Warn($"{spec.Original} - file(s) not in client view.");
            return;
        }

        var file = context.State.File(depotPath);
        var rev = (file?.HeadRev ?? 0) + 1;
        if (context.State.OpenedBy(workspace.Name, depotPath) is { } existing)
        {
            context.Out.Info($"{depotPath}#{rev} - currently opened for {existing.Action}");
            return;
        }

        if (file is not null && !file.Head.IsDeleted)
        {
            context.Out.Warn($"{depotPath} - can't add existing file");
            return;
        }

        var fileType = type ?? FileTypes.Detect(File.ReadAllBytes(local));
        context.State.Opened.Add(new OpenedFile
        {
            DepotPath = depotPath,
            Client = workspace.Name,
            User = context.User,
            Action = "add",
            Change = change,
            Type = fileType,
        });
        context.MarkDirty();
        context.Out.Record(
            new TagRecord().Add("depotFile", depotPath).Add("clientFile", local).Add("workRev", rev).Add("action", "add").Add("type", fileType),
            $"{depotPath}#{rev} - opened for add");
    }
}
