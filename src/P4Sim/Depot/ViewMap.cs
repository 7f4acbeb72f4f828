using System.Text;
using System.Text.RegularExpressions;

namespace P4Flow.P4Sim.Depot;

/// <summary>
/// A p4 view (client or branch): lines "left right", later lines override earlier ones, a leading
/// '-' excludes. Wildcards "..." and "*" are matched on one side and substituted on the other.
/// </summary>
internal sealed class ViewMap
{
    private readonly List<(Regex Left, string Right, Regex RightMatch, string LeftText, bool Exclude)> _lines = [];

    public ViewMap(IEnumerable<string> view)
    {
        foreach (var raw in view)
        {
            var parts = SplitLine(raw);
            if (parts.Count != 2)
            {
                continue;
            }

            var exclude = parts[0].StartsWith('-');
            var left = exclude ? parts[0][1..] : parts[0].TrimStart('+');
            var right = parts[1];
            _lines.Add((PathPattern.ToRegex(left), right, PathPattern.ToRegex(right), left, exclude));
        }
    }

    /// <summary>Maps a left-side path (depot) to the right side (client or branch target), or null.</summary>
    public string? Translate(string path) => Map(path, forward: true);

    /// <summary>Maps a right-side path back to the left side, or null.</summary>
    public string? TranslateBack(string path) => Map(path, forward: false);

    private string? Map(string path, bool forward)
    {
        for (var i = _lines.Count - 1; i >= 0; i--)
        {
            var line = _lines[i];
            var match = (forward ? line.Left : line.RightMatch).Match(path);
            if (!match.Success)
            {
                continue;
            }

            return line.Exclude ? null : Substitute(forward ? line.Right : line.LeftText, match);
        }

        return null;
    }

    private static string Substitute(string pattern, Match match)
    {
        var result = new StringBuilder();
        var group = 1;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (string.CompareOrdinal(pattern, i, "...", 0, 3) == 0)
            {
                result.Append(match.Groups[group++].Value);
                i += 2;
            }
            else if (pattern[i] == '*')
            {
                result.Append(match.Groups[group++].Value);
            }
            else
            {
                result.Append(pattern[i]);
            }
        }

        return result.ToString();
    }

    private static List<string> SplitLine(string line)
    {
        // View lines may quote paths that contain spaces.
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in line.Trim())
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            parts.Add(current.ToString());
        }

        return parts;
    }
}
