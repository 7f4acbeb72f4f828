namespace P4Flow.P4Sim.Commands;

/// <summary>
/// The nameFilter of "clients -e/-E": the whole name must match, "*" standing for any run of characters.
/// -e follows the server's case rules (the simulator is a case-sensitive server); -E ignores case.
/// </summary>
internal static class NameFilter
{
    public static bool Matches(string name, string pattern, bool ignoreCase)
    {
        int n = 0, p = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (p < pattern.Length && Same(pattern[p], name[n], ignoreCase))
            {
                p++;
                n++;
            }
            else if (star >= 0)
            {
                // Let the last "*" swallow one more character and try the rest of the pattern again.
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
