using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 clients (workspaces) [-t] [-u user | --me] [[-e|-E] nameFilter] [-m max]: one line per client,
/// in name order. No client to show prints nothing and exits 0.
/// </summary>
internal static class ClientsCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "ueEm");
        var owner = args.Has("--me") ? context.User : args.Value('u');
        var (filter, ignoreCase) = args.Value('E') is { } anyCase ? (anyCase, true) : (args.Value('e'), false);
        IEnumerable<ClientSpec> clients = context.State.Clients.Values
            .Where(c => owner is null || c.Owner == owner)
            .Where(c => filter is null || NameFilter.Matches(c.Name, filter, ignoreCase))
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        if (args.IntValue('m') is { } max)
        {
            clients = clients.Take(max);
        }

        foreach (var spec in clients)
        {
            context.Out.Record(Record(spec), Line(spec, args.Has("-t")));
        }
    }

    /// <summary>MsgDm::DomainsDataClient: "%domainType% %domainName% %updateDate% root %domainMount% '%description%'".</summary>
    private static string Line(ClientSpec spec, bool withTime)
    {
        var date = withTime ? CommandContext.FormatTime(spec.Update) : CommandContext.FormatDay(spec.Update);
        return $"Client {spec.Name} {date} root {spec.Root} '{Descriptions.Short(Stored(spec.Description))}'";
    }

    /// <summary>
    /// The fields in the order a current server sends them, dates as unix seconds. Type and Backup are
    /// what p4d reports for an ordinary workspace; the simulator models neither, so they are constant.
    /// </summary>
    private static TagRecord Record(ClientSpec spec) => new TagRecord()
        .Add("client", spec.Name)
        .Add("Update", spec.Update)
        .Add("Access", spec.Access)
        .Add("Owner", spec.Owner)
        .Add("Options", spec.Options)
        .Add("SubmitOptions", spec.SubmitOptions)
        .Add("LineEnd", spec.LineEnd)
        .Add("Root", spec.Root)
        .Add("Host", spec.Host)
        .Add("Type", "writeable")
        .Add("Backup", "enable")
        .Add("Description", Stored(spec.Description));

    /// <summary>
    /// p4d keeps a form's text field with its closing newline, which the one-line form shows as a trailing
    /// space ('Created by bob. '); the simulator stores the lines joined, so the newline is put back here.
    /// </summary>
    private static string Stored(string description) =>
        description.Length == 0 ? "" : description + "\n";
}
