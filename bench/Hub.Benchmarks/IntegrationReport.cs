using System.Globalization;

namespace P4Flow.Hub.Benchmarks;

/// <summary>Prints a series of integrations: totals, the overhead's parts, per activity and per command, and the verdict.</summary>
internal static class IntegrationReport
{
    public static void Print(string runner, IReadOnlyList<IntegrationRun> runs, double targetMs)
    {
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"== one integration, commands.runner {runner}, {runs.Count} jobs (p50 / p95 / mean, ms) ==");
        Row("job wall (createdAt -> finishedAt)", runs.Select(r => r.WallMs));
        Row($"p4 processes ({runs[0].Commands.Count} commands, as timed where they ran)", runs.Select(r => r.P4Ms));
        Row("orchestrator overhead = wall - p4", runs.Select(r => r.OverheadMs));

        Console.WriteLine();
        Console.WriteLine("overhead by part:");
        var parts = runs[0].Parts().Select(p => p.Part).ToList();
        var byPart = parts.Select(part => (part, values: runs.Select(r => r.Parts().Single(p => p.Part == part).Ms).ToList())).ToList();
        foreach (var (part, values) in byPart) Row("  " + part, values);

        Console.WriteLine();
        Console.WriteLine("per activity (p50 ms):         duration     p4  overhead  start->1st cmd  last cmd->done  commands");
        foreach (var id in runs[0].Activities.Select(a => a.Id).Distinct())
        {
            var of = runs.SelectMany(r => r.Activities.Where(a => a.Id == id)).ToList();
            Console.WriteLine(string.Create(ci,
                $"  {id,-26} {P(of.Select(a => a.DurationMs), 0.5),9:0.0} {P(of.Select(a => a.P4Ms), 0.5),6:0.0} {P(of.Select(a => a.DurationMs - a.P4Ms), 0.5),9:0.0} {P(of.Select(a => a.BeforeFirstCommandMs), 0.5),15:0.0} {P(of.Select(a => a.AfterLastCommandMs), 0.5),15:0.0}  {string.Join(", ", of[0].Commands.Select(c => c.Name))}"));
        }

        Console.WriteLine();
        Console.WriteLine("per command (p50 ms):          process  round trip  dispatch outside the process  per job");
        foreach (var name in runs[0].Commands.Select(c => c.Name).Distinct())
        {
            var of = runs.SelectMany(r => r.Commands.Where(c => c.Name == name)).ToList();
            Console.WriteLine(string.Create(ci,
                $"  {name,-26} {P(of.Select(c => c.DurationMs), 0.5),8:0.0} {P(of.Select(c => c.RoundTripMs), 0.5),11:0.0} {P(of.Select(c => c.DispatchMs), 0.5),29:0.0} {(double)of.Count / runs.Count,8:0.#}"));
        }

        var overhead = P(runs.Select(r => r.OverheadMs), 0.5);
        Console.WriteLine();
        var verdict = overhead < targetMs ? "met" : string.Create(ci, $"missed, {overhead / targetMs:0.0}x the target");
        Console.WriteLine(string.Create(ci, $"verdict ({runner}): overhead p50 {overhead:0.0} ms per integration against a target of < {targetMs:0} ms: {verdict}"));
        Console.WriteLine("largest contributors (p50):");
        foreach (var (part, values) in byPart.Where(p => !p.part.StartsWith("residual", StringComparison.Ordinal)).OrderByDescending(p => P(p.values, 0.5)).Take(4))
            Console.WriteLine(string.Create(ci, $"  {P(values, 0.5),8:0.0} ms  {100 * P(values, 0.5) / overhead,3:0}%  {part}"));
    }

    private static void Row(string what, IEnumerable<double> values)
    {
        var list = values.ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-66} {P(list, 0.5),8:0.0} {P(list, 0.95),8:0.0} {list.Average(),8:0.0}"));
    }

    private static double P(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
