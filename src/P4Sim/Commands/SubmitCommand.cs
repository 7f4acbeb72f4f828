using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 submit -c N | -e N | -d description: checks resolves, currency and locks, then commits
/// new revisions and integration history, renumbering the change when later changes exist.
/// </summary>
internal static class SubmitCommand
{
    private sealed record Item(string DepotPath, string Action, string Type, int WorkRev, byte[]? Content, List<DoneResolve> Resolved, OpenedFile? Open);

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "cde");
        if (!context.TryWorkspace(out var workspace))
        {
            return;
        }

        if (args.IntValue('e') is { } shelved)
        {
            SubmitShelf(context, workspace, shelved);
        }
        else if (args.IntValue('c') is { } number)
        {
            if (CheckChange(context, number) && CheckNotShelved(context, number))
            {
                SubmitOpened(context, workspace, number);
            }
        }
        else if (args.Value('d') is { } description)
        {
            SubmitDefault(context, workspace, description);
        }
        else
        {
            // Without -c, -e or -d p4 opens an editor on the change form and waits for it to close.
            context.Cancellation.WaitHandle.WaitOne();
            context.Cancellation.ThrowIfCancellationRequested();
        }
    }

    private static bool CheckChange(CommandContext context, int number)
    {
        if (!context.State.Changes.TryGetValue(number, out var change))
        {
            context.Out.Error($"Change {number} unknown.", GenericCode.Unknown);
            return false;
        }

        if (!change.IsPending)
        {
            context.Out.Error($"Change {number} is already committed.", GenericCode.Context);
            return false;
        }

        return true;
    }

    private static bool CheckNotShelved(CommandContext context, int number)
    {
        if (!context.State.Shelves.ContainsKey(number))
        {
            return true;
        }

        context.Out.Error($"Change {number} has shelved files --  cannot submit.", GenericCode.Context);
        return false;
    }

    private static void SubmitDefault(CommandContext context, Workspace workspace, string description)
    {
        var files = context.State.Opened.Where(o => o.Client == workspace.Name && o.Change == 0).ToList();
        if (files.Count == 0)
        {
            context.Out.Error("No files to submit from the default changelist.", GenericCode.Empty);
            return;
        }

        var number = context.NewChangeNumber();
        context.State.Changes[number] = new ChangeRecord { Number = number, Client = workspace.Name, User = context.User, Description = description, Time = context.Now };
        files.ForEach(f => f.Change = number);
        context.MarkDirty();
        SubmitOpened(context, workspace, number);
    }

    private static void SubmitOpened(CommandContext context, Workspace workspace, int number)
    {
        var opens = context.State.Opened.Where(o => o.Client == workspace.Name && o.Change == number).OrderBy(o => o.DepotPath, StringComparer.Ordinal).ToList();
        if (opens.Count == 0)
        {
            context.Out.Error("No files to submit.", GenericCode.Empty);
            return;
        }

        context.Out.Info($"Submitting change {number}.");
        var retry = $"Submit failed -- fix problems above then use 'p4 submit -c {number}'.";
        if (opens.Exists(o => o.Unresolved.Count > 0))
        {
            context.Out.Error("Merges still pending -- use 'resolve' to merge files.", GenericCode.NotYet);
            context.Out.Error(retry, GenericCode.NotYet);
            return;
        }

        var items = opens.Select(o => new Item(o.DepotPath, o.Action, o.Type, o.WorkRev, WorkspaceContent(context, workspace, o), o.Resolved, o)).ToList();
        if (Check(context, workspace, items, retry))
        {
            Commit(context, workspace, number, items);
        }
    }

    private static void SubmitShelf(CommandContext context, Workspace workspace, int number)
    {
        if (!CheckChange(context, number))
        {
            return;
        }

        if (!context.State.Shelves.TryGetValue(number, out var shelf))
        {
            context.Out.Error($"Change {number} does not have shelved files --  cannot submit.", GenericCode.Context);
            return;
        }

        context.Out.Info($"Submitting change {number}.");
        var items = shelf.Select(s => new Item(
            s.DepotPath, s.Action, s.Type, s.WorkRev, s.Blob is null ? null : context.Store.GetBlob(s.Blob), s.Resolved,
            context.State.Opened.Find(o => o.DepotPath == s.DepotPath && o.Change == number))).ToList();
        if (Check(context, workspace, items, $"Submit failed -- fix problems above then use 'p4 submit -e {number}'."))
        {
            context.State.Shelves.Remove(number);
            Commit(context, workspace, number, items);
        }
    }

    private static byte[]? WorkspaceContent(CommandContext context, Workspace workspace, OpenedFile open) =>
        open.Action == "delete" ? null
            : open.Virtual ? context.Content(open.BranchBlob)
            : LocalFiles.Read(workspace.LocalPath(open.DepotPath)!) ?? context.Content(open.BranchBlob);

    /// <summary>Out-of-date files and locks held by others stop the submit, as on a real server.</summary>
    private static bool Check(CommandContext context, Workspace workspace, List<Item> items, string retry)
    {
        var stale = items.Where(i => i.Action is "edit" or "integrate" or "delete" && context.State.File(i.DepotPath) is { } f && i.WorkRev < f.HeadRev).ToList();
        foreach (var item in stale)
        {
            context.Out.Error($"{item.DepotPath} - must sync/resolve #{context.State.File(item.DepotPath)!.HeadRev} before submitting", GenericCode.NotYet);
        }

        if (stale.Count > 0)
        {
            context.Out.Error("Out of date files must be resolved or reverted.", GenericCode.NotYet);
            context.Out.Error(retry, GenericCode.NotYet);
            return false;
        }

        var locked = items.Where(i => context.State.OpenedElsewhere(workspace.Name, i.DepotPath).Any(o => o.Locked)).ToList();
        foreach (var item in locked)
        {
            context.Out.Error($"{item.DepotPath} - already locked", GenericCode.NotYet);
        }

        if (locked.Count > 0)
        {
            context.Out.Error("File(s) couldn't be locked.", GenericCode.NotYet);
            context.Out.Error(retry, GenericCode.NotYet);
            return false;
        }

        return true;
    }

    private static void Commit(CommandContext context, Workspace workspace, int number, List<Item> items)
    {
        var state = context.State;
        var change = state.Changes[number];
        var final = number < state.LastChange ? context.NewChangeNumber() : number;
        context.Out.Record(new TagRecord().Add("change", number).Add("locked", items.Count), $"Locking {items.Count} files ...");
        foreach (var item in items.OrderBy(i => i.DepotPath, StringComparer.Ordinal))
        {
            if (!state.Files.TryGetValue(item.DepotPath, out var file))
            {
                file = new DepotFile { Path = item.DepotPath };
                state.Files[item.DepotPath] = file;
            }

            var rev = file.HeadRev + 1;
            file.Revisions.Add(new Revision
            {
                Rev = rev,
                Action = item.Action,
                Change = final,
                Type = item.Type,
                Blob = item.Content is null ? null : context.Store.PutBlob(item.Content),
                Size = item.Content?.Length ?? 0,
                Time = context.Now,
            });
            // A resolve against a shelved file merged content but integrated nothing.
            state.Integrations.AddRange(item.Resolved.Where(r => r.ShelfChange == 0).Select(r => new IntegrationRecord
            {
                ToFile = item.DepotPath,
                ToRev = rev,
                FromFile = r.FromFile,
                StartFromRev = r.StartFromRev,
                EndFromRev = r.EndFromRev,
                How = r.How,
            }));
            if (item.Open is { } open)
            {
                FinishOpen(context, open, rev, item.Action == "delete");
            }

            context.Out.Record(new TagRecord().Add("action", item.Action).Add("rev", rev).Add("depotFile", item.DepotPath), $"{item.Action} {item.DepotPath}#{rev}");
        }

        if (final != number)
        {
            state.Changes.Remove(number);
            change.Number = final;
            state.Changes[final] = change;
        }

        change.Status = "submitted";
        change.Time = context.Now;
        context.MarkDirty();
        context.Out.Record(
            new TagRecord().Add("submittedChange", final),
            final == number ? $"Change {number} submitted." : $"Change {number} renamed change {final} and submitted.");
    }

    /// <summary>The submitting client now has the new revision, read-only; the file is no longer open.</summary>
    private static void FinishOpen(CommandContext context, OpenedFile open, int rev, bool deleted)
    {
        context.State.Opened.Remove(open);
        if (open.Virtual)
        {
            // integrate -v never gave the workspace the file: "After submitting a virtual
            // integration, 'p4 sync' can be used to update the workspace" (p4 help integrate).
            return;
        }

        var have = context.State.HaveOf(open.Client);
        if (deleted)
        {
            have.Remove(open.DepotPath);
            return;
        }

        have[open.DepotPath] = rev;
        if (context.State.Clients.TryGetValue(open.Client, out var spec) && new Workspace(spec).LocalPath(open.DepotPath) is { } local)
        {
            LocalFiles.SetWritable(local, false);
        }
    }
}
