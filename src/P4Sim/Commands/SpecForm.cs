using System.Text;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 spec forms ("Key:\tvalue", or "Key:" followed by tab-indented lines), read from -i and
/// written by -o, with their tagged form (lists numbered View0, View1...).
/// </summary>
internal sealed class SpecForm
{
    private readonly List<(string Key, string? Value, List<string>? Lines)> _fields = [];

    public SpecForm Value(string key, string value)
    {
        _fields.Add((key, value, null));
        return this;
    }

    public SpecForm Lines(string key, IEnumerable<string> lines)
    {
        _fields.Add((key, null, lines.ToList()));
        return this;
    }

    public string ToText(string header)
    {
        var text = new StringBuilder(header);
        foreach (var (key, value, lines) in _fields)
        {
            if (lines is null)
            {
                text.Append(key).Append(":\t").Append(value).Append("\n\n");
            }
            else
            {
                text.Append(key).Append(":\n");
                foreach (var line in lines)
                {
                    text.Append('\t').Append(line).Append('\n');
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    public TagRecord ToRecord()
    {
        var record = new TagRecord();
        foreach (var (key, value, lines) in _fields)
        {
            if (lines is null)
            {
                record.Add(key, value!);
            }
            else if (key == "Description")
            {
                record.Add(key, string.Join('\n', lines) + "\n");
            }
            else
            {
                for (var i = 0; i < lines.Count; i++)
                {
                    record.Add(key + i.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[i]);
                }
            }
        }

        return record;
    }

    /// <summary>Prints the form: as text (its header comment included) or as one tagged record.</summary>
    public void Print(CommandContext context, string header)
    {
        var text = ToText(header);
        context.Out.Record(ToRecord(), text.TrimEnd('\n'));
    }

    /// <summary>Reads a form into key to lines; a single-line value is a one-element list.</summary>
    public static Dictionary<string, List<string>> Parse(string text)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        List<string>? current = null;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.StartsWith('#'))
            {
                continue;
            }

            if (raw.Length > 0 && (raw[0] == '\t' || raw[0] == ' '))
            {
                current?.Add(raw.Trim());
                continue;
            }

            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            current = [];
            fields[raw[..colon].Trim()] = current;
            var value = raw[(colon + 1)..].Trim();
            if (value.Length > 0)
            {
                current.Add(value);
            }
        }

        foreach (var list in fields.Values)
        {
            while (list.Count > 0 && list[^1].Length == 0)
            {
                list.RemoveAt(list.Count - 1);
            }
        }

        return fields;
    }

    /// <summary>
    /// The first error p4d's spec parser would stop at, with its line (counted from 1 over every line, comments too):
    /// a field name running into a blank, '#' or the end of its line before its ':' ("Syntax error in '...'."),
    /// or a field that is not one of <paramref name="known"/> ("Unknown field name '...'."). Null when there is none.
    /// Follows support/spec.cc and specparse.cc: a line that starts in its first column starts a field name.
    /// </summary>
    public static (int Line, string Message)? FirstError(string text, IReadOnlyCollection<string> known)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            if (raw.Length == 0 || raw[0] is '#' or '\t' or ' ')
            {
                continue;
            }

            var end = raw.IndexOfAny([':', ' ', '\t', '#']);
            if (end <= 0 || raw[end] != ':')
            {
                return (i + 1, $"Syntax error in '{(end < 0 ? raw : raw[..end])}'.");
            }

            var name = raw[..end];
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return (i + 1, $"Unknown field name '{name}'.");
            }
        }

        return null;
    }

    public static string? Single(Dictionary<string, List<string>> fields, string key) =>
        fields.TryGetValue(key, out var lines) && lines.Count > 0 ? lines[0] : null;
}
