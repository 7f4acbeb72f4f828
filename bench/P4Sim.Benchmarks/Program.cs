using P4Flow.P4Sim.Benchmarks;

// Wall time of one p4 command of the simulator, through the p4 launcher: native (p4-native beside it) against the
// dll on the .NET runtime (the launcher's fallback), on a depot with a workspace that has files to resolve.
//   dotnet run -c Release --project bench/P4Sim.Benchmarks -- [--count 200] [--target-ms 20]
int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

return await StartupBenchmark.RunAsync(Option("--count", 200), Option("--target-ms", 20));
