using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 change -o / -i / -d / -U: pending changelists and which opened files they hold.</summary>
internal static class ChangeCommand
{
    private const string Placeholder = "<enter description here>";

    private const string Header =
        "# A Perforce Change Specification.\n" +
        "#\n" +
        "#  Change:      The change number. 'new' on a new changelist.\n" +
        "#  Date:        The date this specification was last modified.\n" +
        "#  Client:      The client on which the changelist was created.  Read-only.\n" +
        "#  User:        The user who created the changelist.\n" +
        "#  Status:      Either 'pending' or 'submitted'. Read-only.\n" +
        "#  Type:        Either 'public' or 'restricted'. Default is 'public'.\n" +
        "#  Description: Comments about the changelist.  Required.\n" +
        "#  Jobs:        What opened jobs are to be closed by this changelist.\n" +
        "#               You may delete jobs from this list.  (New changelists only.)\n" +
        "#  Files:       What opened files from the default changelist are to be added\n" +
        "#               to this changelist.  You may delete files from this list.\n" +
        "#               (New changelists only.)\n\n";

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "U");
        if (args.Has("-i"))
        {
            Save(context, SpecForm.Parse(context.Input.ReadToEnd()));
            return;
        }

        var number = args.Files.Count > 0 && int.TryParse(args.Files[0], System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (args.Has("-d") || args.Has("-df") || args.Has("-fd"))
        {
            Delete(context, number, args.Has("-f") || args.Has("-df") || args.Has("-fd"));
            return;
        }

        if (args.Value('U') is { } newUser)
        {
            ChangeUser.Run(context, args.Files.Count > 0 ? number : null, newUser, args.Has("-f"));
            return;
        }

        if (number == 0)
        {
            PrintNew(context);
            return;
        }

        if (!context.State.Changes.TryGetValue(number, out var change))
        {
            context.Out.Error($"Change {number} unknown.", GenericCode.Unknown);
            return;
        }

        var files = context.State.Opened
            .Where(o => o.Change == number && o.Client == change.Client)
            .Select(o => $"{o.DepotPath}\t# {o.Action}");
        new SpecForm()
            .Value("Change", number.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Value("Date", CommandContext.FormatTime(change.Time))
            .Value("Client", change.Client)
            .Value("User", change.User)
            .Value("Status", change.Status)
            .Value("Type", "public")
            .Lines("Description", change.Description.Split('\n'))
            .Lines("Files", change.IsPending ? files : SubmittedFiles(context, number))
            .Print(context, Header);
    }

    private static IEnumerable<string> SubmittedFiles(CommandContext context, int number) =>
        context.State.Files.Values
            .SelectMany(f => f.Revisions.Where(r => r.Change == number).Select(r => $"{f.Path}\t# {r.Action}"));

    private static void PrintNew(CommandContext context)
    {
        var files = context.State.Opened
            .Where(o => o.Client == context.ClientName && o.Change == 0)
            .Select(o => $"{o.DepotPath}\t# {o.Action}");
        new SpecForm()
            .Value("Change", "new")
            .Value("Client", context.ClientName)
            .Value("User", context.User)
            .Value("Status", "new")
            .Value("Type", "public")
            .Lines("Description", [Placeholder])
            .Lines("Files", files)
            .Print(context, Header);
    }

    private static void Save(CommandContext context, Dictionary<string, List<string>> fields)
    {
        var description = string.Join('\n', fields.GetValueOrDefault("Description") ?? []).Trim();
        if (description.Length == 0 || description == Placeholder)
        {
            context.Out.Error("Error in change specification.\nChange description missing!  You must enter one.", GenericCode.Usage);
            return;
        }

        var files = (fields.GetValueOrDefault("Files") ?? [])
            .Select(line => line.Split('#')[0].Trim())
            .Where(path => path.Length > 0)
            .ToList();
        var id = SpecForm.Single(fields, "Change") ?? "new";
        if (id == "new")
        {
            var number = context.NewChangeNumber();
            context.State.Changes[number] = new ChangeRecord
            {
                Number = number,
                Client = context.ClientName,
                User = context.User,
                Description = description,
                Time = context.Now,
            };
            var moved = MoveFiles(context, files, number);
            context.MarkDirty();
            context.Out.Info(moved > 0 ? $"Change {number} created with {moved} open file(s)." : $"Change {number} created.");
            return;
        }

        if (!int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var existing) || !context.State.Changes.TryGetValue(existing, out var change))
        {
            context.Out.Error($"Change {id} unknown.", GenericCode.Unknown);
            return;
        }

        if (!change.IsPending)
        {
            context.Out.Error($"Change {existing} is already committed.", GenericCode.Context);
            return;
        }

        change.Description = description;
        if (fields.ContainsKey("Files"))
        {
            // Files dropped from the list go back to the default changelist, as in p4.
            foreach (var open in context.State.Opened.Where(o => o.Change == existing && o.Client == context.ClientName && !files.Contains(o.DepotPath)))
            {
                open.Change = 0;
            }

            MoveFiles(context, files, existing);
        }

        context.MarkDirty();
        context.Out.Info($"Change {existing} updated.");
    }

    private static int MoveFiles(CommandContext context, List<string> files, int number)
    {
        var moved = 0;
        foreach (var path in files)
        {
            var open = context.State.OpenedBy(context.ClientName, path);
            if (open is not null)
            {
                open.Change = number;
                moved++;
            }
        }

        return moved;
    }

    /// <summary>
    /// change -d [-f] N: only an empty change goes (MsgDm ChangeDeleteShelved, ChangeDeleteOpen);
    /// -f also lets an administrator delete a submitted change emptied of files.
    /// </summary>
    private static void Delete(CommandContext context, int number, bool force)
    {
        if (!context.State.Changes.TryGetValue(number, out var change))
        {
            context.Out.Error($"Change {number} unknown.", GenericCode.Unknown);
            return;
        }

        var openCount = context.State.Opened.Count(o => o.Change == number && o.Client == change.Client);
        var submittedFiles = change.IsPending ? 0 : context.State.Files.Values.Count(f => f.Revisions.Exists(r => r.Change == number));
        if (!change.IsPending && !force)
        {
            context.Out.Error($"Change {number} is already committed.", GenericCode.Context);
        }
        else if (submittedFiles > 0)
        {
            context.Out.Error($"Change {number} has {submittedFiles} files associated with it and can't be deleted.", GenericCode.Context);
        }
        else if (context.State.Shelves.ContainsKey(number))
        {
            context.Out.Error($"Change {number} has shelved files associated with it and can't be deleted.", GenericCode.Context);
        }
        else if (openCount > 0)
        {
            context.Out.Error($"Change {number} has {openCount} open file(s) associated with it and can't be deleted.", GenericCode.Context);
        }
        else
        {
            context.State.Changes.Remove(number);
            context.MarkDirty();
            context.Out.Info($"Change {number} deleted.");
        }
    }
}
