using P4Flow.P4Sim.Depot;

namespace P4Flow.P4Sim.Commands;

/// <summary>How p4 writes revision ranges and the revision an open file shows.</summary>
internal static class Revisions
{
    /// <summary>The range (start, end] as text: "#3" or "#2,#5".</summary>
    public static string Range(int startExclusive, int end) =>
        startExclusive + 1 >= end ? $"#{end}" : $"#{startExclusive + 1},#{end}";

    /// <summary>What a scheduled resolve takes from: "#2,#5" of its source, or "@=7" for a shelved file.</summary>
    public static string Source(PendingResolve pending) =>
        pending.ShelfChange > 0 ? $"@={pending.ShelfChange}" : Range(pending.StartFromRev, pending.EndFromRev);

    public static string Tag(int rev) => rev == 0 ? "none" : rev.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The revision an opened file is shown at: the next one for new files.</summary>
    public static int Shown(OpenedFile open, DepotState state) =>
        open.Action is "add" or "branch" ? (state.File(open.DepotPath)?.HeadRev ?? 0) + 1 : open.WorkRev;
}
