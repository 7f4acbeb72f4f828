using System.Diagnostics;
using System.Globalization;
using P4Flow.TestSupport;

// The fault matrix: each row breaks a real orchestrator, agent, network cut or simulated Perforce server in one way,
// lets it recover, and counts what was lost and what ran twice. Prints a Markdown table; exits 1 if a row is NOT OK.
//   dotnet run -c Release --project bench/FaultMatrix                 every row (about 25 minutes)
//   dotnet run -c Release --project bench/FaultMatrix -- --quick      the rows the test suite runs
//   dotnet run -c Release --project bench/FaultMatrix -- agent-kill cut-10s   some rows by name
//   ... --burst 20    jobs in the orchestrator-kill row's burst
//   P4FLOW_MATRIX_KEEP=/tmp/rows dotnet run ...   keeps each row's home (database, logs) in /tmp/rows
namespace P4Flow.FaultMatrix;

// A named entry point: the test project references this one and the orchestrator, and two top-level `Program` classes would collide.
internal static class FaultMatrixProgram
{
    public static async Task<int> Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var burstAt = Array.IndexOf(args, "--burst");
        var burst = burstAt >= 0 && burstAt + 1 < args.Length ? int.Parse(args[burstAt + 1], CultureInfo.InvariantCulture) : 20;
        var named = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] != "--burst")).ToHashSet(StringComparer.Ordinal);
        var rows = Matrix.Rows(burst).Where(r => named.Count > 0 ? named.Contains(r.Name) : !quick || r.Quick).ToList();
        var unknown = named.Except(Matrix.Rows(burst).Select(r => r.Name)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"unknown rows: {string.Join(", ", unknown)}; the rows are: {string.Join(", ", Matrix.Rows(burst).Select(r => r.Name))}");
            return 64;
        }

        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        var results = new List<(FaultRow Row, RowResult Result, TimeSpan Took)>();
        foreach (var row in rows)
        {
            var clock = Stopwatch.StartNew();
            RowResult result;
            try
            {
                result = await row.Run();
            }
        #pragma warning disable CA1031 // A row that throws is a row that is NOT OK, with its reason; the others still run.
            catch (Exception ex)
        #pragma warning restore CA1031
            {
                result = new RowResult(row.Name, 0, 0, 0, null, $"the row broke: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}", false);
                Console.WriteLine($"[{row.Name}] {ex}");
            }
            results.Add((row, result, clock.Elapsed));
            Console.WriteLine($"[{row.Name}] {result} ({clock.Elapsed.TotalSeconds:0} s)");
        }

        Console.WriteLine();
        Console.WriteLine("| fault | jobs | lost | commands run twice | time to recover | outcome | |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|---|");
        foreach (var (row, result, _) in results)
            Console.WriteLine($"| {result.Fault} (`{row.Name}`) | {result.Jobs} | {result.Lost} | {result.RunTwice} | {result.RecoverText} | {result.Outcome.Replace("|", "\\|", StringComparison.Ordinal)} | {result.Verdict} |");
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        return results.Any(r => !r.Result.Passed && !r.Result.Skipped) ? 1 : 0;
    }
}
