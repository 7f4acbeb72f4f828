using P4Flow.Hub.Benchmarks;

// Figures for the agent hub: dispatch latency beside a bare ping and a fresh SSH connection, a thousand agents, SSH
// enrolment, the orchestrator's own time in one integration, and what a clean merge copies into the workspace (virtual
// integrate against the classic sync of the whole target), and the integration bot at 100 edges and 10,000 changes.
//   dotnet run -c Release --project bench/Hub.Benchmarks -- latency [--count 10000] [--ssh-count 1000]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- agents [--count 1000] [--hold 35]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- bootstrap [--count 5] [--package PUBLISHED_AGENT_OR_TAR_GZ]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- integration [--count 20] [--runner agents|local|both] [--state sqlite|postgresql|both]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- transfer [--files 10000] [--changed 10] [--count 3]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- admission [--count 20000]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- parked [--count 10000] [--servers 10] [--spread-hours 72] [--quiet 120] [--scrape 15]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- branches own [--edges 100] [--changes 100]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- branches idle [--edges 100] [--changes 100] [--seconds 30] [--passes N] [--store fake|engine|both] [--job-kb 0]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- branches agents [--edges 8] [--changes 10] [--agents 4]
//   dotnet run -c Release --project bench/Hub.Benchmarks -- cluster [--count 50] [--kills 10] [--lease 30]
var mode = args.FirstOrDefault() ?? "latency";
int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

string Text(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

return mode switch
{
    "latency" => await LatencyBenchmark.RunAsync(Option("--count", 10_000), Option("--ssh-count", 1_000)),
    "agents" => await ManyAgentsBenchmark.RunAsync(Option("--count", 1_000), Option("--hold", 35)),
    "bootstrap" => await BootstrapBenchmark.RunAsync(Option("--count", 5), Text("--package", "") is { Length: > 0 } package ? package : null),
    "integration" => await IntegrationBenchmark.RunAsync(Option("--count", 20), Text("--runner", "both"), Text("--state", "sqlite")),
    "transfer" => await TransferBenchmark.RunAsync(Option("--files", 10_000), Option("--changed", 10), Option("--count", 3)),
    "admission" => await AdmissionBenchmark.RunAsync(Option("--count", 20_000)),
    "parked" => await ParkedJobsBenchmark.RunAsync(Option("--count", 10_000), Option("--servers", 10), Option("--spread-hours", 72), Option("--quiet", 120), Option("--scrape", 15)),
    "branches" => await BranchesBenchmark.RunAsync(args.ElementAtOrDefault(1) ?? "own", Option("--edges", args.ElementAtOrDefault(1) == "agents" ? 8 : 100),
        Option("--changes", args.ElementAtOrDefault(1) == "agents" ? 10 : 100), Option("--seconds", 30), Option("--passes", 0),
        Text("--store", "both"), Option("--job-kb", 0), Option("--agents", 4)),
    "cluster" => await ClusterBenchmark.RunAsync(Option("--count", 50), Option("--kills", 10), Option("--lease", 30)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: latency [--count N] [--ssh-count N] | agents [--count N] [--hold SECONDS] | bootstrap [--count N] [--package PATH] | integration [--count N] [--runner agents|local|both] [--state sqlite|postgresql|both] | transfer [--files N] [--changed N] [--count N] | admission [--count N] | parked [--count N] [--servers N] [--spread-hours H] [--quiet SECONDS] [--scrape SECONDS] | branches own|idle|agents [--edges N] [--changes N] [--seconds S] [--passes N] [--store fake|engine|both] [--job-kb N] [--agents N] | cluster [--count N] [--kills N] [--lease SECONDS]");
    return 64;
}
