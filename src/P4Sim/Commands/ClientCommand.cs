using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 client -o / -i / -d: the workspace spec (Root and View).</summary>
internal static class ClientCommand
{
    private const string Header =
        "# A Perforce Client Specification.\n" +
        "#\n" +
        "#  Client:      The client name.\n" +
        "#  Update:      The date this specification was last modified.\n" +
        "#  Access:      The date this client was last used in any way.\n" +
        "#  Owner:       The Perforce user name of the user who owns the client\n" +
        "#               workspace. The default is the user who created the\n" +
        "#               client workspace.\n" +
        "#  Host:        If set, restricts access to the named host.\n" +
        "#  Description: A short description of the client (optional).\n" +
        "#  Root:        The base directory of the client workspace.\n" +
        "#  AltRoots:    Up to two alternate client workspace roots.\n" +
        "#  Options:     Client options:\n" +
        "#                      [no]allwrite [no]clobber [no]compress\n" +
        "#                      [un]locked [no]modtime [no]rmdir [no]altsync\n" +
        "#  SubmitOptions:\n" +
        "#                      submitunchanged/submitunchanged+reopen\n" +
        "#                      revertunchanged/revertunchanged+reopen\n" +
        "#                      leaveunchanged/leaveunchanged+reopen\n" +
        "#  LineEnd:     Text file line endings on client: local/unix/mac/win/share.\n" +
        "#  Type:        Type of client: writeable/readonly/graph/partitioned.\n" +
        "#  ServerID:    If set, restricts access to the named server.\n" +
        "#  View:        Lines to map depot files into the client workspace.\n" +
        "#  ChangeView:  Lines to restrict depot files to specific changelists.\n" +
        "#  Stream:      The stream to which this client's view will be dedicated.\n" +
        "#               (Files in stream paths can be submitted only by dedicated\n" +
        "#               stream clients.) When this optional field is set, the\n" +
        "#               View field will be automatically replaced by a stream\n" +
        "#               view as the client spec is saved.\n" +
        "#  StreamAtChange:  A changelist number that sets a back-in-time view of a\n" +
        "#                   stream ( Stream field is required ).\n" +
        "#                   Changes cannot be submitted when this field is set.\n" +
        "#\n" +
        "# Use 'p4 help client' to see more about client views and options.\n\n";

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "t");
        var name = args.Files.Count > 0 ? args.Files[0] : context.ClientName;
        if (args.Has("-i"))
        {
            Save(context, context.Input.ReadToEnd());
        }
        else if (args.Has("-d") || args.Has("-df") || args.Has("-fd"))
        {
            Delete(context, name, args.Has("-f") || args.Has("-df") || args.Has("-fd"));
        }
        else
        {
            var spec = context.State.Clients.GetValueOrDefault(name) ?? Default(context, name);
            Form(spec, context.State.Clients.ContainsKey(name)).Print(context, Header);
        }
    }

    private static ClientSpec Default(CommandContext context, string name) => new()
    {
        Name = name,
        Owner = context.User,
        Host = context.Settings.Host,
        Description = $"Created by {context.User}.",
        Root = context.Settings.CurrentDirectory,
        View = [$"//depot/... //{name}/..."],
    };

    private static SpecForm Form(ClientSpec spec, bool exists)
    {
        var form = new SpecForm().Value("Client", spec.Name);
        if (exists)
        {
            form.Value("Update", CommandContext.FormatTime(spec.Update)).Value("Access", CommandContext.FormatTime(spec.Access));
        }

        return form.Value("Owner", spec.Owner)
            .Value("Host", spec.Host)
            .Lines("Description", spec.Description.Split('\n'))
            .Value("Root", spec.Root)
            .Value("Options", spec.Options)
            .Value("SubmitOptions", spec.SubmitOptions)
            .Value("LineEnd", spec.LineEnd)
            .Lines("View", spec.View);
    }

    private static void Save(CommandContext context, string text)
    {
        var fields = SpecForm.Parse(text);
        var name = SpecForm.Single(fields, "Client");
        var root = SpecForm.Single(fields, "Root");
        if (name is null || root is null)
        {
            context.Out.Error($"Error in client specification.\nMissing required field '{(name is null ? "Client" : "Root")}'.", GenericCode.Usage);
            return;
        }

        var existing = context.State.Clients.GetValueOrDefault(name);
        var spec = new ClientSpec
        {
            Name = name,
            Owner = SpecForm.Single(fields, "Owner") ?? context.User,
            Host = SpecForm.Single(fields, "Host") ?? "",
            Description = string.Join('\n', fields.GetValueOrDefault("Description") ?? []),
            Root = root,
            Options = SpecForm.Single(fields, "Options") ?? new ClientSpec().Options,
            SubmitOptions = SpecForm.Single(fields, "SubmitOptions") ?? new ClientSpec().SubmitOptions,
            LineEnd = SpecForm.Single(fields, "LineEnd") ?? "local",
            View = fields.GetValueOrDefault("View") ?? [],
            Update = context.Now,
            Access = context.Now,
        };
        // Compared without the dates: the form says "not changed" only when its fields are the same.
        if (existing is not null && Form(existing, false).ToText("") == Form(spec, false).ToText(""))
        {
            context.Out.Info($"Client {name} not changed.");
            return;
        }

        context.State.Clients[name] = spec;
        context.MarkDirty();
        context.Out.Info($"Client {name} saved.");
    }

    /// <summary>
    /// client -d [-f]: refused while the client has opened files, pending changes or shelves
    /// (MsgDm OpenedDelete, PendingDelete, ShelvedDelete); -f drops opens and empty pending changes
    /// but, as without -Fs in p4, still not shelves.
    /// </summary>
    private static void Delete(CommandContext context, string name, bool force)
    {
        var state = context.State;
        if (!state.Clients.ContainsKey(name))
        {
            context.Out.Error($"Client '{name}' doesn't exist.", GenericCode.Unknown);
            return;
        }

        var pending = state.Changes.Values.Where(c => c.IsPending && c.Client == name).Select(c => c.Number).ToList();
        if (pending.Exists(state.Shelves.ContainsKey))
        {
            context.Out.Error($"Client '{name}' has files shelved; use 'shelve -df' to remove them, and then try again,\nor use 'client -df -Fs' to delete the client and leave the shelved changes intact.", GenericCode.NotYet);
            return;
        }

        if (!force && state.Opened.Exists(o => o.Client == name))
        {
            context.Out.Error($"Client '{name}' has files opened. To delete the client, revert any opened files and delete any pending changes first. An administrator may specify -f to force the delete of another user's client.", GenericCode.NotYet);
            return;
        }

        if (!force && pending.Count > 0)
        {
            context.Out.Error($"Client '{name}' has pending changes. To delete the client, delete any pending changes first. An administrator may specify -f to force the delete of another user's client.", GenericCode.NotYet);
            return;
        }

        state.Opened.RemoveAll(o => o.Client == name);
        pending.ForEach(number => state.Changes.Remove(number));
        state.Clients.Remove(name);
        state.Have.Remove(name);
        context.MarkDirty();
        context.Out.Info($"Client {name} deleted.");
    }
}
