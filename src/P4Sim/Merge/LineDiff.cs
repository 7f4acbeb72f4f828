namespace P4Flow.P4Sim.Merge;

/// <summary>A change from base: base lines [Start, End) replaced by Lines.</summary>
internal sealed record Hunk(int Start, int End, IReadOnlyList<string> Lines)
{
    public bool IsInsertion => Start == End;
}

/// <summary>Line diff by longest common subsequence, with the common head and tail trimmed first.</summary>
internal static class LineDiff
{
    /// <summary>Splits text into lines that keep their newline, so joining them restores the text.</summary>
    public static List<string> Lines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    public static List<Hunk> Diff(IReadOnlyList<string> original, IReadOnlyList<string> changed)
    {
        var head = 0;
        while (head < original.Count && head < changed.Count && original[head] == changed[head])
        {
            head++;
        }

        var tail = 0;
        while (tail < original.Count - head && tail < changed.Count - head && original[^(tail + 1)] == changed[^(tail + 1)])
        {
            tail++;
        }

        var n = original.Count - head - tail;
        var m = changed.Count - head - tail;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                lcs[i, j] = original[head + i] == changed[head + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var hunks = new List<Hunk>();
        int a = 0, b = 0, hunkA = -1, hunkB = -1;
        void Close()
        {
            if (hunkA >= 0)
            {
                hunks.Add(new Hunk(head + hunkA, head + a, changed.Skip(head + hunkB).Take(b - hunkB).ToList()));
                hunkA = -1;
            }
        }

        while (a < n || b < m)
        {
            if (a < n && b < m && original[head + a] == changed[head + b])
            {
                Close();
                a++;
                b++;
                continue;
            }

            if (hunkA < 0)
            {
                (hunkA, hunkB) = (a, b);
            }

            if (b < m && (a == n || lcs[a, b + 1] >= lcs[a + 1, b]))
            {
                b++;
            }
            else
            {
                a++;
            }
        }

        Close();
        return hunks;
    }
}
