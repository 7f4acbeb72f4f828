using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 lock [files]: locks opened files so that only this client can submit them.</summary>
internal static class LockCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "c");
        if (!context.TryWorkspace(out var workspace) || context.Specs(args.Files) is not { } specs)
        {
            return;
        }

        foreach (var open in OpenSupport.OpenedOnClient(context, workspace, specs, args.Files, args.IntValue('c')))
        {
            if (context.State.OpenedElsewhere(workspace.Name, open.DepotPath).FirstOrDefault(o => o.Locked) is { } holder)
            {
                context.Out.Error($"{open.DepotPath} - already locked by {holder.User}@{holder.Client}", GenericCode.NotYet);
                continue;
            }

            if (open.Locked)
            {
                context.Out.Info($"{open.DepotPath} - already locked");
                continue;
            }

            open.Locked = true;
            context.MarkDirty();
            context.Out.Record(new TagRecord().Add("depotFile", open.DepotPath).Add("clientFile", workspace.ClientPath(open.DepotPath) ?? ""), $"{open.DepotPath} - locking");
        }
    }
}
