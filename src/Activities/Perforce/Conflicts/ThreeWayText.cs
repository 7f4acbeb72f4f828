using System.Text;
using DiffPlex;
using DiffPlex.Chunkers;
using DiffPlex.Model;

namespace P4Flow.Activities.Perforce.Conflicts;

/// <summary>A run of lines where theirs or yours differ from the base: which side changed it, at which lines of each (0-based).</summary>
/// <param name="Kind">theirs (only the source changed it), yours (only the target), both (the same change), conflict.</param>
public sealed record ThreeWayChunk(string Kind, int BaseStart, int BaseCount, int TheirsStart, int TheirsCount, int YoursStart, int YoursCount);

/// <summary>
/// The three texts of a conflicted file side by side, the chunks each side changed (DiffPlex's three-way diff, by
/// line), and a first merged text to edit: every chunk only one side changed taken from it, every conflicting chunk
/// between the conflict markers p4 writes (ORIGINAL, THEIRS, YOURS), so a person who knows p4's merge file reads it
/// the same way.
/// </summary>
public sealed record ThreeWayText(string Base, string Theirs, string Yours, IReadOnlyList<ThreeWayChunk> Chunks, string Merged)
{
    public const string OriginalMarker = ">>>> ORIGINAL ";
    public const string TheirsMarker = "==== THEIRS ";
    public const string YoursMarker = "==== YOURS ";
    public const string EndMarker = "<<<<";

    public int Conflicts => Chunks.Count(c => c.Kind == "conflict");

    /// <param name="labels">What the markers name: the base, theirs and yours revisions.</param>
    public static ThreeWayText Build(string baseText, string theirs, string yours, (string Base, string Theirs, string Yours) labels)
    {
        var diff = ThreeWayDiffer.Instance.CreateDiffs(baseText, theirs, yours, ignoreWhiteSpace: false, ignoreCase: false, new LineChunker());
        // The chunker drops line ends: the merge is written with the ones yours has.
        var eol = yours.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var chunks = new List<ThreeWayChunk>();
        var merged = new StringBuilder();
        var cursor = 0;
        foreach (var block in diff.DiffBlocks.OrderBy(b => b.BaseStart))
        {
            // Lines between blocks are the same in all three.
            AppendLines(merged, diff.PiecesBase, cursor, block.BaseStart - cursor, eol);
            cursor = block.BaseStart + block.BaseCount;
            var kind = block.ChangeType switch
            {
                ThreeWayChangeType.OldOnly => "theirs",
                ThreeWayChangeType.NewOnly => "yours",
                ThreeWayChangeType.BothSame => "both",
                ThreeWayChangeType.Conflict => "conflict",
                _ => null,
            };
            switch (block.ChangeType)
            {
                case ThreeWayChangeType.OldOnly or ThreeWayChangeType.BothSame:
                    AppendLines(merged, diff.PiecesOld, block.OldStart, block.OldCount, eol);
                    break;
                case ThreeWayChangeType.NewOnly:
                    AppendLines(merged, diff.PiecesNew, block.NewStart, block.NewCount, eol);
                    break;
                case ThreeWayChangeType.Conflict:
                    merged.Append(OriginalMarker).Append(labels.Base).Append(eol);
                    AppendLines(merged, diff.PiecesBase, block.BaseStart, block.BaseCount, eol);
                    merged.Append(TheirsMarker).Append(labels.Theirs).Append(eol);
                    AppendLines(merged, diff.PiecesOld, block.OldStart, block.OldCount, eol);
                    merged.Append(YoursMarker).Append(labels.Yours).Append(eol);
                    AppendLines(merged, diff.PiecesNew, block.NewStart, block.NewCount, eol);
                    merged.Append(EndMarker).Append(eol);
                    break;
                default:
                    AppendLines(merged, diff.PiecesBase, block.BaseStart, block.BaseCount, eol);
                    break;
            }
            if (kind is not null) chunks.Add(new ThreeWayChunk(kind, block.BaseStart, block.BaseCount, block.OldStart, block.OldCount, block.NewStart, block.NewCount));
        }
        AppendLines(merged, diff.PiecesBase, cursor, diff.PiecesBase.Count - cursor, eol);
        // Every piece got a line end, the last one too, which ends the text (an empty last piece when it ended in one).
        var text = merged.ToString();
        if (text.EndsWith(eol, StringComparison.Ordinal)) text = text[..^eol.Length];
        return new ThreeWayText(baseText, theirs, yours, chunks, text);
    }

    /// <summary>The 1-based line of the first conflict marker left in <paramref name="merged"/>, or null when there is none.</summary>
    public static int? MarkerLine(string merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        var line = 0;
        foreach (var text in merged.Split('\n'))
        {
            line++;
            var trimmed = text.TrimEnd('\r');
            if (trimmed.StartsWith(OriginalMarker, StringComparison.Ordinal) || trimmed.StartsWith(TheirsMarker, StringComparison.Ordinal)
                || trimmed.StartsWith(YoursMarker, StringComparison.Ordinal) || trimmed == EndMarker)
                return line;
        }
        return null;
    }

    private static void AppendLines(StringBuilder merged, IReadOnlyList<string> pieces, int start, int count, string eol)
    {
        for (var i = start; i < start + count && i < pieces.Count; i++) merged.Append(pieces[i]).Append(eol);
    }
}
