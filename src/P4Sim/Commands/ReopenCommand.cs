using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 reopen [-c N] [-t type] files: moves opened files to another change or type.</summary>
internal static class ReopenCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "ct");
        if (!context.TryWorkspace(out var workspace) || context.Specs(args.Files, defaultAll: false) is not { } specs)
        {
            return;
        }

        if (args.Value('c') == "default")
        {
            Reopen(context, workspace, specs, args, 0);
        }
        else if (OpenSupport.TryChange(context, args.IntValue('c'), out var change))
        {
            Reopen(context, workspace, specs, args, args.Value('c') is null ? null : change);
        }
    }

    private static void Reopen(CommandContext context, Depot.Workspace workspace, List<Depot.FileSpec> specs, CommandArguments args, int? change)
    {
        foreach (var open in OpenSupport.OpenedOnClient(context, workspace, specs, args.Files, null))
        {
            var rev = Revisions.Shown(open, context.State);
            var parts = new List<string>();
            if (change is { } target)
            {
                open.Change = target;
                parts.Add(target == 0 ? "default change" : $"change {target}");
            }

            if (args.Value('t') is { } type)
            {
                open.Type = type;
                parts.Add($"type {type}");
            }

            context.MarkDirty();
            context.Out.Record(
                new TagRecord().Add("depotFile", open.DepotPath).Add("clientFile", workspace.ClientPath(open.DepotPath) ?? "")
                    .Add("workRev", rev).Add("action", open.Action).Add("change", CommandContext.ChangeName(open.Change)).Add("type", open.Type),
                $"{open.DepotPath}#{rev} - reopened; {string.Join("; ", parts)}");
        }
    }
}
