using System.Globalization;

namespace P4Flow.FaultMatrix;

/// <summary>One row of the table: what was broken, what it cost, and whether that is the right outcome.</summary>
/// <param name="Lost">Jobs that did not end within the row's deadline, or that the API no longer knows.</param>
/// <param name="RunTwice">Commands an agent started twice, plus changes the server holds twice.</param>
/// <param name="Recover">From the fault's end (restart, rejoin) to the last job's end, or to the agent's return.</param>
/// <param name="Outcome">What the user sees, and why it is right where it is not "submitted".</param>
public sealed record RowResult(string Fault, int Jobs, int Lost, int RunTwice, TimeSpan? Recover, string Outcome, bool Passed)
{
    /// <summary>Not run: this machine cannot inflict the fault (the outcome says why).</summary>
    public bool Skipped { get; init; }

    public static RowResult Skip(string fault, string why) => new(fault, 0, 0, 0, null, "not run: " + why, false) { Skipped = true };

    public string Verdict => Skipped ? "skipped" : Passed ? "ok" : "NOT OK";

    public static RowResult From(string fault, IReadOnlyList<JobEnd> ends, int runTwice, TimeSpan? recover, Func<JobEnd, bool> expected, string? note = null)
    {
        var lost = ends.Count(e => !e.Ended);
        var outcome = Summary(ends) + (note is null ? "" : "; " + note);
        return new RowResult(fault, ends.Count, lost, runTwice, recover, outcome, lost == 0 && runTwice == 0 && ends.All(expected));
    }

    /// <summary>"18 submitted, 2 FAILED TIMEOUT".</summary>
    public static string Summary(IEnumerable<JobEnd> ends) =>
        string.Join(", ", ends.GroupBy(e => e.Outcome).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"));

    public string RecoverText => Recover is { } r ? r.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";

    public override string ToString() =>
        $"{Fault}: {Jobs} jobs, {Lost} lost, {RunTwice} run twice, recovered in {RecoverText}: {Outcome} -> {Verdict}";
}
