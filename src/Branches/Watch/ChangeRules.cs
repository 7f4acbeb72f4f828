using System.Text.RegularExpressions;
using P4Flow.Branches.Graph;
using P4Flow.Branches.Store;

namespace P4Flow.Branches.Watch;

/// <summary>
/// What an edge does with a change it sees, decided once when it is recorded, with the reason kept on the change:
/// <list type="bullet">
/// <item>a change P4Flow brought from the edge's target (its `#p4flow-source: ... in TARGET` line) is never integrated back;</item>
/// <item>description tags, one `#p4flow` line each: `#p4flow ignore` (integrated nowhere), `#p4flow deadend` (stays on its
/// branch), `#p4flow -rel` (not to rel), `#p4flow rel` (down a manual edge to rel without waiting for approval);</item>
/// <item>the edge's exclusions: its authors and its description pattern;</item>
/// <item>on a manual edge, the rest waits for approval.</item>
/// </list>
/// </summary>
public static class ChangeRules
{
    public const string TagPrefix = "#p4flow ";

    public static (string Status, string? Reason) Decide(SubmittedChange change, BranchEdge edge, BranchNode target)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(target);
        var lines = change.Description.Split('\n').Select(l => l.Trim()).ToList();
        if (lines.Any(l => l.StartsWith("#p4flow-source:", StringComparison.Ordinal)
                && (l.EndsWith(" in " + target.Path, StringComparison.Ordinal) || l.Contains($" in {target.Path} ", StringComparison.Ordinal))))
            return (ChangeStatus.Skipped, $"P4Flow brought it from {target.Path}: it is never integrated back there");

        var tags = lines.Where(l => l.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase))
            .SelectMany(l => l[TagPrefix.Length..].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            .Select(t => t.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
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

        if (edge.Flow == BranchEdge.Manual)
            return tags.Contains(name) ? (ChangeStatus.Pending, $"tagged #p4flow {target.Name}: sent down this manual edge") : (ChangeStatus.AwaitingApproval, null);
        return (ChangeStatus.Pending, null);
    }

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
