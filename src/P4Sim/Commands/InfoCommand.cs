using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 info: who and where the caller is, and what server answers.</summary>
internal static class InfoCommand
{
    public const string ServerVersion = "P4D/LINUX26X86_64/2024.2/2675662 (2024/09/19)";

    public static void Run(CommandContext context)
    {
        var settings = context.Settings;
        var workspace = context.Workspace;
        var fields = new List<(string Label, string Key, string Value)>
        {
            ("User name", "userName", settings.User),
            ("Client name", "clientName", settings.Client),
            ("Client host", "clientHost", settings.Host),
        };
        if (workspace is null)
        {
            fields.Add(("Client unknown.", "", ""));
        }
        else
        {
            fields.Add(("Client root", "clientRoot", workspace.Spec.Root));
        }

        fields.AddRange(
        [
            ("Current directory", "clientCwd", settings.CurrentDirectory),
            ("Peer address", "peerAddress", "127.0.0.1:40012"),
            ("Client address", "clientAddress", "127.0.0.1"),
            ("Server address", "serverAddress", "localhost:1666"),
            ("Server root", "serverRoot", context.Store.Root),
            ("Server date", "serverDate", CommandContext.FormatTime(context.Now) + " +0000 UTC"),
            ("Server uptime", "serverUptime", "00:00:01"),
            ("Server version", "serverVersion", ServerVersion),
            ("Server license", "serverLicense", "none"),
            ("Case Handling", "caseHandling", "sensitive"),
        ]);

        var record = new TagRecord();
        foreach (var (label, key, value) in fields)
        {
            if (key.Length > 0)
            {
                record.Add(key, value);
            }
        }

        var text = string.Join('\n', fields.Select(f => f.Key.Length == 0 ? f.Label : $"{f.Label}: {f.Value}"));
        context.Out.Record(record, text);
    }
}
