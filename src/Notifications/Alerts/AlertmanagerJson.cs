using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace P4Flow.Notifications.Alerts;

/// <summary>
/// Reads the fields of an Alertmanager body, each with its JSON path, refusing what is not of its type or too large
/// with an <see cref="AlertmanagerBodyException"/> naming the path. Anyone who holds the API key can post a body, so
/// every size is bounded before anything is copied.
/// </summary>
internal static partial class AlertmanagerJson
{
    /// <summary>A string: null when the field is missing or null.</summary>
    public static string? OptionalText(JsonObject parent, string key, string path, int maxLength)
    {
        var node = parent[key];
        if (node is null) return null;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String || !value.TryGetValue<string>(out var text))
            throw new AlertmanagerBodyException(path, $"{path} must be a string, not {Kind(node)}.");
        if (text.Length > maxLength)
            throw new AlertmanagerBodyException(path, $"{path} has {text.Length} characters; at most {maxLength} are taken.");
        return text;
    }

    public static string RequiredText(JsonObject parent, string key, string path, int maxLength) =>
        OptionalText(parent, key, path, maxLength) ?? throw new AlertmanagerBodyException(path, $"{path} is missing.");

    /// <summary>A string of names to values (labels, annotations): empty when the field is missing or null.</summary>
    public static Dictionary<string, string> Strings(JsonObject parent, string key, string path)
    {
        var node = parent[key];
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null) return strings;
        if (node is not JsonObject map) throw new AlertmanagerBodyException(path, $"{path} must be an object of names to strings, not {Kind(node)}.");
        if (map.Count > AlertmanagerWebhook.MaxLabels)
            throw new AlertmanagerBodyException(path, $"{path} has {map.Count} entries; at most {AlertmanagerWebhook.MaxLabels} are taken.");
        foreach (var (name, _) in map)
        {
            if (name.Length is 0 or > AlertmanagerWebhook.MaxLabelNameLength)
                throw new AlertmanagerBodyException(path, $"{path} has a name of {name.Length} characters; names have 1 to {AlertmanagerWebhook.MaxLabelNameLength}.");
            strings[name] = RequiredText(map, name, Member(path, name), AlertmanagerWebhook.MaxValueLength);
        }
        return strings;
    }

    /// <summary>An RFC 3339 time as Alertmanager writes it (Go's, with up to nine digits of seconds); null for Go's zero time.</summary>
    public static DateTimeOffset? Time(JsonObject parent, string key, string path)
    {
        var text = OptionalText(parent, key, path, maxLength: 64);
        if (text is null) return null;
        var match = Rfc3339().Match(text);
        // .NET keeps seven digits of a second (100 ns ticks) and parses no more: the last two of Go's nanoseconds go.
        var fraction = match.Groups["fraction"].Value;
        var exact = match.Success ? match.Groups["whole"].Value + (fraction.Length > 0 ? "." + fraction[..Math.Min(7, fraction.Length)] : "") + match.Groups["offset"].Value : "";
        if (!DateTimeOffset.TryParseExact(exact, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            throw new AlertmanagerBodyException(path, $"{path} must be an RFC 3339 time such as 2025-01-31T12:00:00Z, not \"{Shorten(text)}\".");
        return time.UtcTicks == 0 ? null : time;
    }

    /// <summary>The path of an object's member: `labels.alertname`, or `labels["odd name"]` when the name is no identifier.</summary>
    public static string Member(string path, string name) =>
        Identifier().IsMatch(name) ? $"{path}.{name}" : $"{path}[{JsonSerializer.Serialize(name)}]";

    public static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };

    /// <summary>A value quoted back in a message, cut so that a huge one does not make a huge answer.</summary>
    public static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "...";

    [GeneratedRegex(@"^(?<whole>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(?<fraction>\d{1,9}))?(?<offset>Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
