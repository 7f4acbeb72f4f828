using System.Diagnostics;
using System.Globalization;
using P4Flow.TestSupport;

namespace P4Flow.P4Sim.Benchmarks;

/// <summary>
/// Times `p4 info` and `p4 -ztag -Mj resolve -n`, each run as a fresh process the way the agent runs them: through the
/// p4 launcher of our output folder (which runs p4-native), and through a copy of that folder without p4-native
/// (the launcher's fallback, `dotnet P4Flow.P4Sim.dll`).
/// </summary>
internal static class StartupBenchmark
{
    private const int Warmup = 5;

    private static readonly string[][] Commands = [["info"], ["-ztag", "-Mj", "resolve", "-n"]];

    public static async Task<int> RunAsync(int count, int targetMs)
    {
        var nativeLauncher = Path.Combine(AppContext.BaseDirectory, "p4");
        var native = File.Exists(Path.Combine(AppContext.BaseDirectory, "p4-native"));
        using var dllFolder = DllOnlyCopy();
        var dllLauncher = Path.Combine(dllFolder.Path, "p4");
        using var depot = await BenchDepot.CreateAsync(dllLauncher);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p4 simulator start-up: {count} runs per command after {Warmup} warm-up runs; {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        Console.WriteLine($"depot {depot.Root}, client dev-ws (3 files, 2 to resolve)");
        if (!native)
        {
            Console.WriteLine("p4-native is not in the output folder (the build could not compile it): the launcher runs the dll.");
        }

        var verdicts = new List<(string Command, double P50, double P99)>();
        foreach (var command in Commands)
        {
            var name = "p4 " + string.Join(' ', command);
            var viaNative = await TimeAsync(nativeLauncher, command, depot, count);
            var viaDll = await TimeAsync(dllLauncher, command, depot, count);
            Console.WriteLine(Figures.Describe($"{name} (launcher, {(native ? "native" : "dll")})", viaNative, decimals: 1));
            Console.WriteLine(Figures.Describe($"{name} (launcher, dll)", viaDll, decimals: 1));
            verdicts.Add((name, Figures.Percentile(viaNative, 0.50), Figures.Percentile(viaNative, 0.99)));
        }

        var met = native && verdicts.TrueForAll(v => v.P50 < targetMs);
        foreach (var (command, p50, p99) in verdicts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{command}: p50 {p50:0.0} ms, p99 {p99:0.0} ms through the launcher: {(p50 < targetMs ? "within" : "over")} the {targetMs} ms target{(p99 < targetMs ? "" : " (p99 over it)")}"));
        }

        Console.WriteLine(met ? $"VERDICT: PASS, a p4 command of the simulator costs under {targetMs} ms (p50)." : $"VERDICT: FAIL, a p4 command of the simulator costs {targetMs} ms or more (p50).");
        return met ? 0 : 1;
    }

    private static async Task<List<TimeSpan>> TimeAsync(string launcher, string[] command, BenchDepot depot, int count)
    {
        var samples = new List<TimeSpan>(count);
        for (var i = 0; i < Warmup + count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await SimCommand.RunAsync(launcher, command, depot.Workspace, depot.Environment);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (result.Exit != 0 || result.Stdout.Length == 0)
            {
                throw new InvalidOperationException($"{launcher} {string.Join(' ', command)} exited {result.Exit}: {result.Stdout}{result.Stderr}");
            }

            if (i >= Warmup)
            {
                samples.Add(elapsed);
            }
        }

        return samples;
    }

    /// <summary>Our output folder copied without p4-native: its launcher falls back to the dll.</summary>
    private static TemporaryFolder DllOnlyCopy()
    {
        var folder = new TemporaryFolder();
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory))
        {
            if (Path.GetFileName(file) != "p4-native")
            {
                File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
            }
        }

        return folder;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("p4sim-bench-dll-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
