using System.Text;

namespace P4Flow.P4Sim.Merge;

/// <summary>
/// diff3-style merge of yours and theirs against their base. Changes from both sides that touch
/// the same base lines form one chunk: "both" when the two sides made the same edit, otherwise
/// "conflicting", written with p4's conflict markers.
/// </summary>
internal static class ThreeWayMerge
{
    public static MergeResult Merge(string baseText, string yoursText, string theirsText, MergeLabels labels)
    {
        var original = LineDiff.Lines(baseText);
        var yours = LineDiff.Diff(original, LineDiff.Lines(yoursText));
        var theirs = LineDiff.Diff(original, LineDiff.Lines(theirsText));
        var merged = new StringBuilder();
        int yoursCount = 0, theirsCount = 0, bothCount = 0, conflicts = 0;
        int position = 0, y = 0, t = 0;
        while (y < yours.Count || t < theirs.Count)
        {
            var groupYours = new List<Hunk>();
            var groupTheirs = new List<Hunk>();
            var fromYours = t >= theirs.Count || (y < yours.Count && yours[y].Start <= theirs[t].Start);
            var first = fromYours ? yours[y++] : theirs[t++];
            (fromYours ? groupYours : groupTheirs).Add(first);
            int start = first.Start, end = first.End;
            var grew = true;
            while (grew)
            {
                grew = false;
                if (y < yours.Count && Touches(yours[y], start, end))
                {
                    end = Math.Max(end, yours[y].End);
                    groupYours.Add(yours[y++]);
                    grew = true;
                }

                if (t < theirs.Count && Touches(theirs[t], start, end))
                {
                    end = Math.Max(end, theirs[t].End);
                    groupTheirs.Add(theirs[t++]);
                    grew = true;
                }
            }

            Append(merged, original, position, start);
            position = end;
            var yoursBlock = Apply(original, start, end, groupYours);
            var theirsBlock = Apply(original, start, end, groupTheirs);
            if (groupTheirs.Count == 0)
            {
                yoursCount++;
                merged.Append(yoursBlock);
            }
            else if (groupYours.Count == 0)
            {
                theirsCount++;
                merged.Append(theirsBlock);
            }
            else if (yoursBlock == theirsBlock)
            {
                bothCount++;
                merged.Append(yoursBlock);
            }
            else
            {
                conflicts++;
                AppendMarked(merged, $">>>> ORIGINAL {labels.Base}\n", string.Concat(original.Skip(start).Take(end - start)));
                AppendMarked(merged, $"==== THEIRS {labels.Theirs}\n", theirsBlock);
                AppendMarked(merged, $"==== YOURS {labels.Yours}\n", yoursBlock);
                merged.Append("<<<<\n");
            }
        }

        Append(merged, original, position, original.Count);
        return new MergeResult(yoursCount, theirsCount, bothCount, conflicts, merged.ToString());
    }

    private static bool Touches(Hunk hunk, int start, int end) =>
        hunk.IsInsertion || start == end
            ? hunk.Start >= start && hunk.Start <= end || start >= hunk.Start && start <= hunk.End
            : hunk.Start < end && start < hunk.End;

    private static string Apply(List<string> original, int start, int end, List<Hunk> hunks)
    {
        var block = new StringBuilder();
        var position = start;
        foreach (var hunk in hunks)
        {
            Append(block, original, position, hunk.Start);
            block.Append(string.Concat(hunk.Lines));
            position = hunk.End;
        }

        Append(block, original, position, end);
        return block.ToString();
    }

    private static void Append(StringBuilder target, List<string> lines, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            target.Append(lines[i]);
        }
    }

    private static void AppendMarked(StringBuilder target, string marker, string block)
    {
        target.Append(marker).Append(block);
        if (block.Length > 0 && !block.EndsWith('\n'))
        {
            target.Append('\n');
        }
    }
}

/// <summary>The names p4 writes on conflict markers.</summary>
internal sealed record MergeLabels(string Base, string Theirs, string Yours);
