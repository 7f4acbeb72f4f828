using System.Globalization;

namespace P4Flow.P4Sim.Depot;

/// <summary>
/// A revision specifier after a path: #n, #head, #have, #none or @change, or a range of them:
/// "@40,42", "@40,@42", "#2,4", "#2,#4" (both ends inclusive) or "@>40" (changes after 40).
/// </summary>
internal sealed record RevisionSpec(string Text, int? Rev, int? Change, bool Have, bool None)
{
    /// <summary>The first revision of a range (inclusive); null for a single revision.</summary>
    public RevisionSpec? From { get; init; }

    public static RevisionSpec? Parse(string text)
    {
        if (text.Length < 2)
        {
            return null;
        }

        if (text.StartsWith("@>", StringComparison.Ordinal))
        {
            // "@>N" is every change after N, up to the head.
            return int.TryParse(text[2..], CultureInfo.InvariantCulture, out var after)
                ? new RevisionSpec(text, null, null, false, false) { From = new RevisionSpec($"@{after + 1}", null, after + 1, false, false) }
                : null;
        }

        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma > 0)
        {
            var upperText = text[(comma + 1)..];
            if (upperText.Length == 0)
            {
                return null;
            }

            // "@40,42": the second end takes the first end's marker when it has none.
            var upper = Single(upperText[0] is '@' or '#' ? upperText : text[0] + upperText);
            var lower = Single(text[..comma]);
            return lower is null || upper is null ? null : upper with { Text = text, From = lower };
        }

        return Single(text);
    }

    private static RevisionSpec? Single(string text)
    {
        if (text.Length < 2)
        {
            return null;
        }

        var body = text[1..];
        if (text[0] == '@')
        {
            return int.TryParse(body, CultureInfo.InvariantCulture, out var change) ? new RevisionSpec(text, null, change, false, false) : null;
        }

        return body switch
        {
            "head" => new RevisionSpec(text, null, null, false, false),
            "have" => new RevisionSpec(text, null, null, true, false),
            "none" or "0" => new RevisionSpec(text, 0, null, false, true),
            _ => int.TryParse(body, CultureInfo.InvariantCulture, out var rev) ? new RevisionSpec(text, rev, null, false, false) : null,
        };
    }

    /// <summary>The revision of a file this spec selects (the end of a range); 0 when none.</summary>
    public int Resolve(DepotFile file, DepotState state, int haveRev)
    {
        if (None)
        {
            return 0;
        }

        if (Have)
        {
            return haveRev;
        }

        if (Rev is { } rev)
        {
            return Math.Min(rev, file.HeadRev);
        }

        if (Change is { } change)
        {
            var last = file.Revisions.LastOrDefault(r => r.Change <= change && state.Changes.TryGetValue(r.Change, out var c) && !c.IsPending);
            return last?.Rev ?? 0;
        }

        return file.HeadRev;
    }

    /// <summary>The last revision before the range starts: revisions after it and up to Resolve are in range; 0 for no range.</summary>
    public int LowerExclusive(DepotFile file, DepotState state) => From switch
    {
        null => 0,
        { Rev: { } rev } => Math.Min(Math.Max(rev - 1, 0), file.HeadRev),
        { Change: { } change } => (From with { Change = change - 1 }).Resolve(file, state, 0),
        _ => 0,
    };

    /// <summary>True when a submitted revision falls in this spec: the range, or up to the single revision.</summary>
    public bool Contains(DepotFile file, Revision revision, DepotState state) =>
        revision.Rev > LowerExclusive(file, state) && revision.Rev <= Resolve(file, state, 0);
}
