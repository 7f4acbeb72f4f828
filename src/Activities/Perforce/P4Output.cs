using System.Text.Json;
using P4Flow.Activities.Commands;

namespace P4Flow.Activities.Perforce;

/// <summary>p4 severities: the client exits 1 only when a FAILED or FATAL message arrived.</summary>
public enum P4Severity
{
    Info = 1,
    Warning = 2,
    Failed = 3,
    Fatal = 4,
}

public sealed record P4Message(string Text, P4Severity Severity, int Generic = 0);

/// <summary>One line of output in the order printed: a tagged record or a message.</summary>
public sealed record P4Item(IReadOnlyDictionary<string, string>? Record, P4Message? Message);

/// <summary>
/// What one p4 command printed, read from `-ztag -Mj` JSON lines where present and from plain text
/// otherwise: tagged records (field -> value) and messages with their severity.
/// </summary>
public sealed class P4Output
{
    /// <summary>E_USAGE: the command line was wrong (an option this server does not know, say).</summary>
    public const int GenericUsage = 1;
    public const int GenericEmpty = 17;
    public const int GenericComm = 38;

    private P4Output(CommandRun result, List<P4Item> items)
    {
        Result = result;
        Items = items;
        Records = [.. items.Select(i => i.Record).OfType<IReadOnlyDictionary<string, string>>()];
        Messages = [.. items.Select(i => i.Message).OfType<P4Message>()];
    }

    public CommandRun Result { get; }
    /// <summary>Records and messages in the order printed (stdout first, then stderr).</summary>
    public IReadOnlyList<P4Item> Items { get; }
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Records { get; }
    public IReadOnlyList<P4Message> Messages { get; }

    public bool Failed => Result.ExitCode != 0 || Result.TimedOut || Messages.Any(m => m.Severity >= P4Severity.Failed);

    public IEnumerable<P4Message> Errors => Messages.Where(m => m.Severity >= P4Severity.Failed);

    /// <summary>The text p4 would show a person: every message, in order.</summary>
    public string Text => string.Join("\n", Messages.Select(m => m.Text));

    public static P4Output Parse(CommandRun result)
    {
        var items = new List<P4Item>();
        Read(result.Stdout, fromStderr: false, result, items);
        Read(result.Stderr, fromStderr: true, result, items);
        return new P4Output(result, items);
    }

    public bool Says(string fragment) => Messages.Any(m => m.Text.Contains(fragment, StringComparison.OrdinalIgnoreCase));

    private static void Read(string stream, bool fromStderr, CommandRun result, List<P4Item> items)
    {
        foreach (var raw in stream.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line[0] == '{' && TryJson(line, items)) continue;
            // Text form: stdout is INFO; stderr is WARN unless the command failed.
            var severity = !fromStderr ? P4Severity.Info : result.ExitCode != 0 ? P4Severity.Failed : P4Severity.Warning;
            items.Add(new P4Item(null, new P4Message(line.TrimStart('\t'), severity)));
        }
    }

    private static bool TryJson(string line, List<P4Item> items)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return false;
            if (root.TryGetProperty("data", out var data) && (root.TryGetProperty("severity", out _) || root.TryGetProperty("level", out _) || root.EnumerateObject().Count() == 1))
            {
                var severity = root.TryGetProperty("severity", out var s) && s.TryGetInt32(out var n) ? (P4Severity)n : P4Severity.Info;
                var generic = root.TryGetProperty("generic", out var g) && g.TryGetInt32(out var gn) ? gn : 0;
                foreach (var text in (data.GetString() ?? "").TrimEnd('\n').Split('\n'))
                    items.Add(new P4Item(null, new P4Message(text.TrimStart('\t'), severity, generic)));
                return true;
            }
            var record = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
                record[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? "" : property.Value.GetRawText();
            items.Add(new P4Item(record, null));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
