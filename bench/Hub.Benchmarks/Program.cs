using P4Flow.Hub.Benchmarks;

// Figures for the agent hub: dispatch latency beside a bare ping and a fresh SSH connection, and a thousand agents.
//   dotnet run -c Release --project bench/Hub.Benchmarks -- latency [--count 10000] [--ssh-count 1000]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- agents [--count 1000] [--hold 35]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- bootstrap [--count 5] [--package PUBLISHED_AGENT_OR_TAR_GZ]
var mode = args.FirstOrDefault() ?? "latency";
int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

return mode switch
{
    "latency" => await LatencyBenchmark.RunAsync(Option("--count", 10_000), Option("--ssh-count", 1_000)),
    "agents" => await ManyAgentsBenchmark.RunAsync(Option("--count", 1_000), Option("--hold", 35)),
    "bootstrap" => await BootstrapBenchmark.RunAsync(Option("--count", 5), Array.IndexOf(args, "--package") is var p && p >= 0 && p + 1 < args.Length ? args[p + 1] : null),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: latency [--count N] [--ssh-count N] | agents [--count N] [--hold SECONDS] | bootstrap [--count N] [--package PATH]");
    return 64;
}
