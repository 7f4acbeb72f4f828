using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 opened [-a -x] [-c N] [-C client] [-u user] [-m max] [files].</summary>
internal static class OpenedCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "cCum");
        var workspace = context.Workspace;
        var allClients = args.Has("-a") || args.Has("-x");
        if (context.Specs(args.Files) is not { } specs)
        {
            return;
        }

        var unmatched = new List<string>();
        var shown = new List<OpenedFile>();
        foreach (var spec in specs)
        {
            var matched = context.State.Opened
                .Where(o => allClients ? args.Value('C') is null || o.Client == args.Value('C') : o.Client == (args.Value('C') ?? context.ClientName))
                .Where(o => args.Value('u') is not { } user || o.User == user)
                .Where(o => args.Value('c') is not { } c || CommandContext.ChangeName(o.Change) == c)
                .Where(o => !args.Has("-x") || FileTypes.IsExclusive(o.Type))
                .Where(o => spec.Matches(o.DepotPath, workspace) || spec.Matches(o.DepotPath, null))
                .OrderBy(o => o.DepotPath, StringComparer.Ordinal)
                .ToList();
            if (matched.Count == 0)
            {
                unmatched.Add(spec.Original);
            }

            shown.AddRange(matched.Where(o => !shown.Contains(o)));
        }

        if (args.IntValue('m') is { } max)
        {
            shown = shown.Take(max).ToList();
        }

        foreach (var open in shown)
        {
            Print(context, open, allClients);
        }

        if (args.Files.Count == 0 ? shown.Count == 0 : unmatched.Count > 0)
        {
            var where = allClients ? "anywhere" : "on this client";
            context.WarnPerArgument(args.Files.Count == 0 ? [] : unmatched, $"File(s) not opened {where}.", $"file(s) not opened {where}.");
        }
    }

    private static void Print(CommandContext context, OpenedFile open, bool allClients)
    {
        var rev = Revisions.Shown(open, context.State);
        var ours = open.Client == context.ClientName;
        var text = $"{open.DepotPath}#{rev} - {open.Action} {OpenSupport.ChangeText(open.Change)} ({open.Type})";
        // MsgDm OpenedOther*: with -a every line names its user@client, ours included.
        if (allClients || !ours)
        {
            text += $" by {open.User}@{open.Client}";
        }

        // One suffix per line: the catalog has *locked* and *exclusive* forms but none with both.
        if (open.Locked)
        {
            text += " *locked*";
        }
        else if (FileTypes.IsExclusive(open.Type))
        {
            text += " *exclusive*";
        }

        var clientSpec = context.State.Clients.GetValueOrDefault(open.Client);
        var clientFile = clientSpec is null ? "" : new Workspace(clientSpec).ClientPath(open.DepotPath) ?? "";
        var record = new TagRecord()
            .Add("depotFile", open.DepotPath)
            .Add("clientFile", clientFile.Length > 0 ? clientFile : $"//{open.Client}/{open.DepotPath[2..]}")
            .Add("rev", rev)
            .Add("haveRev", Revisions.Tag(context.State.HaveRev(open.Client, open.DepotPath)))
            .Add("action", open.Action)
            .Add("change", CommandContext.ChangeName(open.Change))
            .Add("type", open.Type)
            .Add("user", open.User)
            .Add("client", open.Client);
        if (open.Locked)
        {
            record.Add(ours ? "ourLock" : "otherLock", "");
        }

        context.Out.Record(record, text);
    }
}
