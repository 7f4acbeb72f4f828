using System.Globalization;

namespace P4Flow.P4Sim.Depot;

/// <summary>A revision specifier after a path: #n, #head, #have, #none or @change.</summary>
internal sealed record RevisionSpec(string Text, int? Rev, int? Change, bool Have, bool None)
{
    public static RevisionSpec? Parse(string text)
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

    /// <summary>The revision of a file this spec selects; 0 when none.</summary>
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
}
