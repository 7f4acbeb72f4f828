using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>What edit, delete, reopen and lock share: finding files on the client and the change to open them in.</summary>
internal static class OpenSupport
{
    /// <summary>Synced files matching each spec; prints "- file(s) not on client." for a spec that matched none.</summary>
    public static List<DepotFile> FilesOnClient(CommandContext context, Workspace workspace, List<FileSpec> specs)
    {
        var files = new List<DepotFile>();
        foreach (var spec in specs)
        {
            var matched = context.State.Files.Values
                .Where(f => spec.Matches(f.Path, workspace) && context.State.HaveRev(workspace.Name, f.Path) > 0)
                .ToList();
            if (matched.Count == 0)
            {
                context.Out.Warn($"{spec.Original} - file(s) not on client.");
            }

            files.AddRange(matched.Where(f => !files.Contains(f)));
        }

        return files;
    }

    /// <summary>Opened files of this client matching the specs; prints the plural "not opened" warning when none.</summary>
    public static List<OpenedFile> OpenedOnClient(CommandContext context, Workspace workspace, List<FileSpec> specs, IReadOnlyList<string> arguments, int? change)
    {
        var result = new List<OpenedFile>();
        var unmatched = new List<string>();
        foreach (var spec in specs)
        {
            var matched = context.State.Opened
                .Where(o => o.Client == workspace.Name && (change is null || o.Change == change) && spec.Matches(o.DepotPath, workspace))
                .ToList();
            if (matched.Count == 0)
            {
                unmatched.Add(spec.Original);
            }

            result.AddRange(matched.Where(o => !result.Contains(o)));
        }

        if (arguments.Count == 0 ? result.Count == 0 : unmatched.Count > 0)
        {
            context.WarnPerArgument(arguments.Count == 0 ? [] : unmatched, "File(s) not opened on this client.", "file(s) not opened on this client.");
        }

        return result;
    }

    /// <summary>The change named by -c, checked to be a pending change of this client; 0 is default.</summary>
    public static bool TryChange(CommandContext context, int? requested, out int change)
    {
        change = requested ?? 0;
        if (change == 0)
        {
            return true;
        }

        if (!context.State.Changes.TryGetValue(change, out var record) || record.Client != context.ClientName)
        {
            context.Out.Error($"Change {change} unknown.", GenericCode.Unknown);
            return false;
        }

        if (!record.IsPending)
        {
            context.Out.Error($"Change {change} is already committed.", GenericCode.Context);
            return false;
        }

        return true;
    }

    public static string ChangeText(int change) => change == 0 ? "default change" : $"change {change}";
}
