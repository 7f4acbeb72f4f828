using System.Text.RegularExpressions;
using P4Flow.Branches.Graph;
using P4Flow.Branches.Store;

namespace P4Flow.Branches.Watch;

/// <summary>
/// What an edge does with a change it sees, decided once when it is recorded, with the reason kept on the change:
/// <list type="bullet">
/// <item>a change P4Flow brought from the edge's target (its `#p4flow-source: ... in TARGET` line) is never integrated back;</item>
/// <item>description tags, one `#p4flow` line each: `#p4flow ignore` (integrated nowhere), `#p4flow deadend` (stays on its
/// branch), `#p4flow -rel` (not to rel), `#p4flow !rel` (to rel with nothing merged: the integration is recorded, the
/// target keeps its content), `#p4flow rel` (down a manual edge to rel without waiting for approval);</item>
/// <item>the edge's exclusions: its authors, its description pattern, and (once the files are known, <see cref="DecideByFiles"/>)
/// its paths;</item>
/// <item>on a manual edge, the rest waits for approval.</item>
/// </list>
/// </summary>
public static class ChangeRules
{
    public const string TagPrefix = "#p4flow ";

    /// <summary>How a description names a change it carries: `#p4flow-source: CL 42 in //depot/main/...`.</summary>
    public const string SourceTag = "#p4flow-source: ";

    public static (string Status, string? Reason) Decide(SubmittedChange change, BranchEdge edge, BranchNode target)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(target);
        var lines = change.Description.Split('\n').Select(l => l.Trim()).ToList();
        if (lines.Any(l => l.StartsWith(SourceTag, StringComparison.Ordinal)
                && (l.EndsWith(" in " + target.Path, StringComparison.Ordinal) || l.Contains($" in {target.Path} ", StringComparison.Ordinal))))
            return (ChangeStatus.Skipped, $"P4Flow brought it from {target.Path}: it is never integrated back there");

        var tags = Tags(change.Description);
        if (tags.Contains("ignore")) return (ChangeStatus.Skipped, "tagged #p4flow ignore: integrated nowhere");
        if (tags.Contains("deadend")) return (ChangeStatus.Skipped, "tagged #p4flow deadend: it stays on its branch");
        var name = target.Name.ToLowerInvariant();
        if (tags.Contains("-" + name)) return (ChangeStatus.Skipped, $"tagged #p4flow -{target.Name}: not to {target.Name}");

        if (edge.Exclusions is { } excluded)
        {
            if (excluded.Authors?.Contains(change.User, StringComparer.Ordinal) == true)
                return (ChangeStatus.Skipped, $"its author {change.User} is excluded on this edge (exclusions.authors)");
            if (!string.IsNullOrEmpty(excluded.Description) && Matches(excluded.Description, change.Description))
                return (ChangeStatus.Skipped, $"its description matches this edge's exclusions.description ({excluded.Description})");
        }

        var nullMerge = tags.Contains("!" + name) ? $"tagged #p4flow !{target.Name}: recorded as integrated with nothing merged" : null;
        if (edge.Flow == BranchEdge.Manual)
        {
            if (nullMerge is not null) return (ChangeStatus.Pending, nullMerge);
            return tags.Contains(name) ? (ChangeStatus.Pending, $"tagged #p4flow {target.Name}: sent down this manual edge") : (ChangeStatus.AwaitingApproval, null);
        }
        return (ChangeStatus.Pending, nullMerge);
    }

    /// <summary>
    /// The second look, once the change's files are known (null: too many to keep): a change whose every file is under
    /// the edge's exclusions.paths is skipped. A change that touches any other file is integrated whole (p4 integrates a
    /// changelist, not part of one).
    /// </summary>
    public static (string Status, string? Reason)? DecideByFiles(IReadOnlyList<string>? files, BranchEdge edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        if (files is not { Count: > 0 } || edge.Exclusions?.Paths is not { Count: > 0 } paths) return null;
        return files.All(f => paths.Any(p => DepotPathMatches(p, f)))
            ? (ChangeStatus.Skipped, $"it touches only paths this edge excludes (exclusions.paths: {string.Join(", ", paths)})")
            : null;
    }

    /// <summary>
    /// Whether <paramref name="description"/> says it carries change <paramref name="change"/> of
    /// <paramref name="sourcePath"/> (its own `#p4flow-source: CL N in SOURCE` line, not one passed on `via` another change).
    /// </summary>
    public static bool Carries(string description, int change, string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(description);
        var line = $"{SourceTag}CL {change} in {sourcePath}";
        return description.Split('\n').Select(l => l.Trim()).Any(l => l == line || l.StartsWith(line + " (", StringComparison.Ordinal));
    }

    /// <summary>Whether the change asks to reach <paramref name="target"/> with nothing merged (`#p4flow !rel`).</summary>
    public static bool IsNullMerge(string description, BranchNode target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Tags(description).Contains("!" + target.Name.ToLowerInvariant());
    }

    /// <summary>A Perforce path pattern: `...` matches anything, `*` anything but '/', the rest literally (case-sensitive, as on a Unix server).</summary>
    public static bool DepotPathMatches(string pattern, string file)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(file);
        var regex = "^" + Regex.Escape(pattern).Replace(@"\.\.\.", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(file, regex, RegexOptions.None, TimeSpan.FromMilliseconds(100));
    }

    private static HashSet<string> Tags(string description) =>
        description.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase))
            .SelectMany(l => l[TagPrefix.Length..].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            .Select(t => t.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    private static bool Matches(string pattern, string text)
    {
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.Multiline, TimeSpan.FromMilliseconds(100));
        }
        catch (RegexMatchTimeoutException)
        {
            return false; // a pattern that takes that long on one description excludes nothing rather than stall the bot
        }
    }
}
