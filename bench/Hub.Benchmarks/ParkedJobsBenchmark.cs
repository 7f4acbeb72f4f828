using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Demo;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.Security;
using P4Flow.TestSupport;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// The resolve watcher with thousands of parked conflicts. A real orchestrator process (SQLite, Hangfire) and real
/// agents park one p4-integrate job per agent in NEEDS_RESOLVE on the simulator's demo depot; the benchmark then copies
/// those jobs (store rows, client workspaces on the server, workspace folders on the agents) into COUNT parked jobs,
/// parked at ages spread evenly over the last SPREAD hours, and restarts the orchestrator on them. It reports the
/// first pass (every job checked once), then, with nothing changing, the commands per minute the server is sent and
/// the orchestrator's CPU, and the time from a person resolving the last file of a job in its first hour to the job
/// moving on.
/// </summary>
internal static class ParkedJobsBenchmark
{
    private const string JwtSecret = "bench-jwt-secret-0123456789abcdef0123456789";
    private static readonly string[] Agents = ["bench-a", "bench-b"];

    public static async Task<int> RunAsync(int count, int serverCount, int spreadHours, int quietSeconds, int scrapeSeconds)
    {
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        // The simulator keeps a server's metadata in one JSON file that every command reads whole, so a server with
        // 10,000 workspaces answers in about 250 ms where p4d takes a millisecond: the jobs are spread over servers.
        var servers = new List<SimDepot>();
        for (var i = 0; i < serverCount; i++) servers.Add(await SimDepot.CreateDemoAsync());
        var home = OrchestratorProcess.CreateHome();
        var hubPort = Loopback.FreePort();
        var metricsPort = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "agents",
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_server__port"] = hubPort.ToString(CultureInfo.InvariantCulture),
            ["P4FLOW_monitoring__metrics_port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["P4FLOW_state_management__resolve_check_interval"] = "30",
            [CommandToken.SecretVariable] = JwtSecret,
        };
        var tls = HubTlsOptions.Under(home);
        HubCertificates.EnsureCreated(tls);
        foreach (var id in Agents) HubCertificates.IssueAgent(tls, id);
        await File.WriteAllTextAsync(Path.Combine(home, "config", "agent_whitelist.yaml"),
            "allowed_agents:\n" + string.Concat(Agents.Select(id => $"  - hostname: \"localhost\"\n    cert_cn: \"{id}\"\n    ip_range: \"127.0.0.0/8\"\n")));
        var agents = new List<CapturedProcess>();
        try
        {
            var templates = new List<(string Job, SimDepot Server)>();
            await using (var first = OrchestratorProcess.Start(home, environment: environment))
            {
                await first.WaitReadyAsync();
                foreach (var id in Agents) agents.Add(IntegrationBenchmark.StartAgent(home, hubPort, id, JwtSecret, "agent-" + id));
                await WaitForAgentsAsync(first);
                // One job on each server; the hub gives each new job the least busy agent, so they alternate.
                foreach (var server in servers) templates.Add((await ParkAsync(first, server), server));
            }

            var seeding = Stopwatch.StartNew();
            var now = DateTime.UtcNow;
            var copies = count - templates.Count;
            for (var t = 0; t < templates.Count; t++)
            {
                var seed = new ParkedJobsSeed(home, templates[t].Server.Root);
                var share = copies / templates.Count + (t < copies % templates.Count ? 1 : 0);
                // Parked from a moment ago back to SPREAD hours ago, evenly: a few in their first hour, most long quiet.
                var nth = t;
                await seed.CopyAsync(templates[t].Job, AgentOf(home, templates[t].Job), share, i => now.AddHours(-spreadHours * (double)(i * templates.Count + nth + 1) / count));
                await seed.SaveAsync();
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seeded {count} parked jobs on {servers.Count} servers ({templates.Count} real, parked now; {copies} copies parked over the last {spreadHours} h) in {seeding.Elapsed.TotalSeconds:0.0} s"));

            await using var orchestrator = OrchestratorProcess.Start(home, environment: environment);
            var started = Stopwatch.StartNew();
            await orchestrator.WaitReadyAsync();
            await WaitForAgentsAsync(orchestrator);
            var pid = ProcessCpu.PidWithWorkingDirectory(home);

            // After a start every parked job is checked once: the first pass.
            var firstPass = await Eventually.Until(() => MetricsAsync(metricsPort), m => m.Checks >= count, TimeSpan.FromHours(2), "every parked job to be checked once");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"first pass: {count} jobs checked {started.Elapsed.TotalSeconds:0.0} s after the start ({firstPass.Commands} commands)"));

            // A minute for the JIT's second tier and the first passes' allocations to settle, then nothing changes:
            // what the watcher costs the server and the orchestrator.
            await Task.Delay(TimeSpan.FromSeconds(60));
            var before = await MetricsAsync(metricsPort);
            var cpuBefore = ProcessCpu.Of(pid);
            var quiet = Stopwatch.StartNew();
            // Scraped every SCRAPE seconds meanwhile (0: never), as a Prometheus server does: each scrape reads the gauges from the store.
            while (quiet.Elapsed < TimeSpan.FromSeconds(quietSeconds))
            {
                var step = scrapeSeconds > 0 ? scrapeSeconds : quietSeconds;
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(step, quietSeconds - quiet.Elapsed.TotalSeconds + 0.01)));
                if (scrapeSeconds > 0) await MetricsAsync(metricsPort);
            }
            var after = await MetricsAsync(metricsPort);
            var cpu = (ProcessCpu.Of(pid) - cpuBefore).TotalSeconds / quiet.Elapsed.TotalSeconds;
            var minutes = quiet.Elapsed.TotalMinutes;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"nothing changing ({quiet.Elapsed.TotalSeconds:0} s, scraped {(scrapeSeconds > 0 ? $"every {scrapeSeconds} s" : "at its ends only")}): {(after.Commands - before.Commands) / minutes:0} commands/min to the server " +
                $"({(after.Checks - before.Checks) / minutes:0} resolve checks/min, {(after.Listings - before.Listings) / minutes:0} workspace listings/min), orchestrator CPU {cpu * 100:0.0} % of one core (target under 5 %), " +
                $"{after.Passes - before.Passes:0} passes of {(after.PassSeconds - before.PassSeconds) / Math.Max(1, after.Passes - before.Passes):0.0} s on average (interval 30 s)"));

            // A person resolves the last file of a job in its first hour.
            var (job, depot) = templates[0];
            var resolved = Stopwatch.StartNew();
            await depot.RunInJobWorkspaceAsync(Path.Combine(home, "agent-" + AgentOf(home, job), "ws", job), "p4flow", "p4flow-" + job, "resolve", "-at");
            await Eventually.Until(() => orchestrator.Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/jobs/{job}", UriKind.Relative)),
                j => j!["stage"]?.GetValue<string>() != "NEEDS_RESOLVE", TimeSpan.FromMinutes(30), $"job {job} to move on");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"resolved to moved on (a job in its first hour): {resolved.Elapsed.TotalSeconds:0.0} s (target: within resolve_check_interval, 30 s)"));
            Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
            return 0;
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
            foreach (var server in servers) server.Dispose();
            try
            {
                // P4FLOW_BENCH_KEEP_HOME=1 keeps the orchestrator's home (its logs and command log) to read after the run.
                if (Environment.GetEnvironmentVariable("P4FLOW_BENCH_KEEP_HOME") == "1") Console.WriteLine($"home kept: {home}");
                else Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the temp folder is cleaned some other day.
            }
        }
    }

    /// <summary>The agent the hub's journal assigned the job to.</summary>
    private static string AgentOf(string home, string jobId) =>
        File.ReadLines(Path.Combine(home, "data", "hub", "journal.jsonl")).Select(l => JsonNode.Parse(l)!)
            .Last(e => e["t"]!.GetValue<string>() == "assign" && e["job"]!.GetValue<string>() == jobId)["agent"]!.GetValue<string>();

    private sealed record Counts(double Checks, double Listings, double Commands, double Passes, double PassSeconds);

    /// <summary>The watcher's resolve checks and workspace listings, and all commands so far, from the orchestrator's /metrics.</summary>
    private static async Task<Counts> MetricsAsync(int port)
    {
        var text = await MetricsScrape.TextAsync(port);
        static bool Listing(string line) => line.Contains("result=\"listed\"", StringComparison.Ordinal) || line.Contains("result=\"not_listed\"", StringComparison.Ordinal);
        return new Counts(MetricsScrape.Sum(text, "p4_watcher_checks_total", l => !Listing(l)), MetricsScrape.Sum(text, "p4_watcher_checks_total", Listing),
            MetricsScrape.Sum(text, "p4_commands_total"), MetricsScrape.Sum(text, "p4_watcher_pass_seconds_count"), MetricsScrape.Sum(text, "p4_watcher_pass_seconds_sum"));
    }

    private static async Task WaitForAgentsAsync(OrchestratorProcess orchestrator) =>
        await Eventually.Until(() => orchestrator.Client.GetFromJsonAsync<JsonArray>(new Uri("/api/agents", UriKind.Relative)),
            a => Agents.All(id => a!.Any(x => x!["id"]!.GetValue<string>() == id && x["state"]!.GetValue<string>() == "HEALTHY")),
            TimeSpan.FromSeconds(90), "the agents to connect");

    /// <summary>Starts p4-integrate main -> rel on the demo depot (its conflict.c conflicts) and waits for NEEDS_RESOLVE.</summary>
    private static async Task<string> ParkAsync(OrchestratorProcess orchestrator, SimDepot depot)
    {
        using var start = await orchestrator.Client.PostAsJsonAsync(new Uri("/api/workflow-definitions/p4-integrate/runs", UriKind.Relative), new JsonObject
        {
            ["source"] = "//depot/main/...",
            ["target"] = "//depot/rel/...",
            ["description"] = "Bench parked integration",
            ["p4port"] = depot.Root,
        });
        if (!start.IsSuccessStatusCode) throw new InvalidOperationException($"start answered {(int)start.StatusCode}: {await start.Content.ReadAsStringAsync()}");
        var jobId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<string>();
        var job = await Eventually.Until(() => orchestrator.Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/jobs/{jobId}", UriKind.Relative)),
            j => j!["stage"]?.GetValue<string>() == "NEEDS_RESOLVE" || j["status"]!.GetValue<string>() is "Finished" or "Faulted" or "Cancelled",
            TimeSpan.FromSeconds(120), $"job {jobId} to park");
        if (job!["stage"]?.GetValue<string>() != "NEEDS_RESOLVE")
            throw new InvalidOperationException($"job {jobId} ended {job["status"]} at {job["stage"]}: {job["fault"]?.ToJsonString()}");
        return jobId;
    }
}
