using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.Security;
using P4Flow.TestSupport;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// The integration bot's throughput: a real orchestrator process (SQLite, Hangfire) with the simulator as server
/// "main", its commands on AGENTS real agents, a graph of EDGES edges sN -> tN (each runs one job at a time, so several
/// edges keep the agents busy) loaded from config/branches.yaml, the bot looking every second. Once every edge has its
/// cursor, CHANGES changes per edge are submitted round robin, each editing a file of its own, and the bot is poked;
/// the figure is changes integrated per minute from the first submit to the last integration, with the per-change
/// latency from the bot recording a change to its integration.
/// </summary>
internal static class BranchesAgentsBenchmark
{
    private const string JwtSecret = "bench-jwt-secret-0123456789abcdef0123456789";
    private const int IdleSeconds = 20;

    public static async Task<int> RunAsync(int edges, int perEdge, int agentCount)
    {
        var total = edges * perEdge;
        var agentIds = Enumerable.Range(1, agentCount).Select(i => $"bench-{i}").ToList();
        using var depot = await SimDepot.CreateAsync();
        // Every source with a file per change to come, branched to its target: each change is a clean integration.
        await depot.SubmitAsync("Initial", [.. Enumerable.Range(0, edges).SelectMany(e => Enumerable.Range(0, perEdge).Select(k => ($"s{e}/f{k}.txt", Line(e, k, 0), (string?)null)))]);
        for (var e = 0; e < edges; e++) await depot.BranchAsync($"//depot/s{e}/...", $"//depot/t{e}/...");

        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"),
            "nodes:\n" + string.Concat(Enumerable.Range(0, edges).Select(e => $"  s{e}: {{ path: \"//depot/s{e}/...\", server: main }}\n  t{e}: {{ path: \"//depot/t{e}/...\", server: main }}\n")) +
            "edges:\n" + string.Concat(Enumerable.Range(0, edges).Select(e => $"  - {{ source: s{e}, target: t{e} }}\n")));
        var hubPort = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "agents",
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__servers__main__port"] = depot.Root,
            ["P4FLOW_perforce__servers__main__user"] = "p4flow",
            ["P4FLOW_branches__poll_interval"] = "1",
            ["P4FLOW_server__port"] = hubPort.ToString(CultureInfo.InvariantCulture),
            [CommandToken.SecretVariable] = JwtSecret,
        };
        var tls = HubTlsOptions.Under(home);
        HubCertificates.EnsureCreated(tls);
        foreach (var id in agentIds) HubCertificates.IssueAgent(tls, id);
        await File.WriteAllTextAsync(Path.Combine(home, "config", "agent_whitelist.yaml"),
            "allowed_agents:\n" + string.Concat(agentIds.Select(id => $"  - hostname: \"localhost\"\n    cert_cn: \"{id}\"\n    ip_range: \"127.0.0.0/8\"\n")));
        var agents = new List<CapturedProcess>();
        var agentsDir = home + "-agents";
        OrchestratorProcess? orchestrator = null;
        try
        {
            orchestrator = OrchestratorProcess.Start(home, environment: environment);
            await orchestrator.WaitReadyAsync();
            // The agents' folders outside the orchestrator's home, as on machines of their own: the orchestrator watches its
            // content root (appsettings reload), and the jobs' folders coming and going there would be counted as its CPU.
            foreach (var id in agentIds) agents.Add(IntegrationBenchmark.StartAgent(home, hubPort, id, JwtSecret, Path.Combine(agentsDir, id)));
            await Eventually.Until(() => orchestrator.Client.GetFromJsonAsync<JsonArray>(new Uri("/api/agents", UriKind.Relative)),
                a => agentIds.All(id => a!.Any(x => x!["id"]!.GetValue<string>() == id && x["state"]!.GetValue<string>() == "HEALTHY")), TimeSpan.FromSeconds(120), "the agents to connect");
            for (var e = 0; e < edges; e++)
            {
                var path = EdgePath(e);
                await Eventually.Until(() => orchestrator.Client.GetFromJsonAsync<JsonObject>(new Uri(path, UriKind.Relative)), v => v!["cursor"] is not null,
                    TimeSpan.FromSeconds(120), $"edge s{e} -> t{e} to start watching");
            }
            Console.WriteLine($"branches agents: {edges} edges sN -> tN on the simulator, {agentCount} agents, poll_interval 1 s; every edge watching; submitting {perEdge} changes per edge ({total} in all)");

            var pid = ProcessCpu.PidWithWorkingDirectory(home);
            // Nothing submitted yet: what the pollers cost the orchestrator, each edge's `p4 changes` every second sent to
            // an agent through the hub (the in-process idle mode leaves p4 and the hub out); then the same with every edge
            // paused (the pass still runs, it polls nothing): the difference is the pollers'.
            var watching = await IdleShareAsync(pid);
            for (var e = 0; e < edges; e++) await PostAsync(orchestrator, $"/api/branches/edges/s{e}/t{e}/pause");
            var paused = await IdleShareAsync(pid);
            for (var e = 0; e < edges; e++) await PostAsync(orchestrator, $"/api/branches/edges/s{e}/t{e}/resume");
            var pollers = watching - paused;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  idle, nothing submitted ({IdleSeconds} s each): orchestrator CPU {watching * 100:0.0} % of one core with the {edges} edges polled every 1 s, {paused * 100:0.0} % with them paused: the pollers {pollers * 100:0.0} % ({pollers * 1000 / edges:0.00} ms per edge per poll; {pollers * 100 / 30:0.000} % at poll_interval 30 s)"));
            var cpuBefore = ProcessCpu.Of(pid);
            var agentCpuBefore = agents.Sum(a => ProcessCpu.Of(a.Pid).TotalSeconds);
            var firstSubmit = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            for (var k = 0; k < perEdge; k++)
                for (var e = 0; e < edges; e++)
                    await depot.SubmitAsync($"Change {k + 1} on s{e}", ($"s{e}/f{k}.txt", Line(e, k, 1), null));
            var submitted = clock.Elapsed;
            await PostAsync(orchestrator, "/api/branches/poke");

            // Every change of every edge integrated (or a failure to report), looking once a second.
            var patience = TimeSpan.FromMinutes(Math.Max(10, total * 0.25));
            var lastProgress = TimeSpan.Zero;
            List<JsonNode> changes;
            while (true)
            {
                changes = [];
                for (var e = 0; e < edges; e++)
                    changes.AddRange((await orchestrator.Client.GetFromJsonAsync<JsonObject>(new Uri(EdgePath(e) + "?limit=1000", UriKind.Relative)))!["changes"]!.AsArray().Select(c => c!));
                var integrated = changes.Count(c => Status(c) == "integrated");
                if (changes.FirstOrDefault(c => Status(c) is "failed" or "needs_resolve" or "skipped") is { } stuck)
                    throw new InvalidOperationException($"change {stuck["change"]} on {stuck["edgeId"]} is {Status(stuck)}: {stuck["reason"]}");
                if (integrated == total && changes.Count == total) break;
                if (clock.Elapsed > patience) throw new TimeoutException($"{integrated} of {total} changes integrated after {clock.Elapsed.TotalSeconds:0} s");
                if (clock.Elapsed - lastProgress >= TimeSpan.FromSeconds(15))
                {
                    lastProgress = clock.Elapsed;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds,5:0} s: {changes.Count} recorded, {integrated} integrated"));
                }
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            var cpu = ProcessCpu.Of(pid) - cpuBefore;
            var agentCpu = agents.Sum(a => ProcessCpu.Of(a.Pid).TotalSeconds) - agentCpuBefore;
            var last = changes.Max(c => Utc(c["updatedAt"]!));
            var span = last - firstSubmit;
            var latencies = changes.Select(c => (Utc(c["updatedAt"]!) - Utc(c["recordedAt"]!)).TotalSeconds).Order().ToList();
            var perAgent = JobsPerAgent(home, changes.Select(c => c["jobId"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $$"""
                  {{total}} changes submitted in {{submitted.TotalSeconds:0.0}} s; the last integrated {{span.TotalSeconds:0.0}} s after the first submit
                  throughput: {{total / span.TotalMinutes:0.0}} changes integrated per minute ({{agentCount}} agents, {{edges}} edges, one job at a time per edge)
                  latency, recorded -> integrated: p50 {{Percentile(latencies, 0.50):0.0}} s, p95 {{Percentile(latencies, 0.95):0.0}} s, max {{latencies[^1]:0.0}} s
                  jobs per agent: {{string.Join(", ", agentIds.Select(id => $"{id} {perAgent.GetValueOrDefault(id)}"))}}
                  CPU meanwhile: orchestrator {{cpu.TotalSeconds:0.0}} s ({{cpu.TotalMilliseconds / total:0}} ms per change, p4 on the agents not included), agents {{agentCpu:0.0}} s (their p4 children not included)
                """));
            return 0;
        }
        catch (Exception) when (orchestrator is not null)
        {
            var output = orchestrator.Output;
            Console.Error.WriteLine("orchestrator's last output:\n" + output[^Math.Min(4000, output.Length)..]);
            throw;
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
            if (orchestrator is not null) await orchestrator.DisposeAsync();
            try
            {
                Directory.Delete(home, recursive: true);
                if (Directory.Exists(agentsDir)) Directory.Delete(agentsDir, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file still held open; the temp folder is cleaned some other day.
            }
        }
    }

    /// <summary>The orchestrator's CPU over <see cref="IdleSeconds"/>, as a share of one core.</summary>
    private static async Task<double> IdleShareAsync(int? pid)
    {
        var before = ProcessCpu.Of(pid);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(IdleSeconds));
        return (ProcessCpu.Of(pid) - before).TotalSeconds / clock.Elapsed.TotalSeconds;
    }

    private static async Task PostAsync(OrchestratorProcess orchestrator, string path)
    {
        using var answer = await orchestrator.Client.PostAsync(new Uri(path, UriKind.Relative), null);
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
    }

    private static string EdgePath(int edge) => $"/api/branches/edges/s{edge}/t{edge}/changes";

    private static string Status(JsonNode change) => change["status"]!.GetValue<string>();

    private static DateTime Utc(JsonNode node) =>
        DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>The agent the hub's journal assigned each of these jobs to, counted per agent.</summary>
    private static Dictionary<string, int> JobsPerAgent(string home, HashSet<string> jobs)
    {
        var journal = Path.Combine(home, "data", "hub", "journal.jsonl");
        if (!File.Exists(journal)) return [];
        return File.ReadLines(journal).Select(l => JsonNode.Parse(l)!)
            .Where(e => e["t"]?.GetValue<string>() == "assign" && jobs.Contains(e["job"]?.GetValue<string>() ?? ""))
            .GroupBy(e => e["job"]!.GetValue<string>()).Select(g => g.Last()["agent"]!.GetValue<string>())
            .GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    private static string Line(int edge, int file, int version) => $"s{edge} file {file}\nversion {version}\nend\n";
}
