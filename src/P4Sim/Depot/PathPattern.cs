using System.Text;
using System.Text.RegularExpressions;

namespace P4Flow.P4Sim.Depot;

/// <summary>p4 path wildcards: "..." matches across directories, "*" within one.</summary>
internal static class PathPattern
{
    public static bool HasWildcard(string path) =>
        path.Contains("...", StringComparison.Ordinal) || path.Contains('*', StringComparison.Ordinal);

    public static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            if (string.CompareOrdinal(pattern, i, "...", 0, 3) == 0)
            {
                regex.Append("(.*)");
                i += 2;
            }
            else if (pattern[i] == '*')
            {
                regex.Append("([^/]*)");
            }
            else
            {
                regex.Append(Regex.Escape(pattern[i].ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
