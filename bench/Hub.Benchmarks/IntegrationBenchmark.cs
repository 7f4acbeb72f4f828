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
/// The orchestrator's own time in one integration: a real orchestrator process (SQLite and Hangfire in memory, or with
/// --state postgresql everything on a real PostgreSQL server started for the run) runs p4-integrate
/// main -> rel to COMPLETED, one job after another, each on a fresh change, with its commands on a real agent (or run
/// by itself with commands.runner local). Wall time comes from the job's own timestamps, p4 time from the command log
/// (the process as its runner timed it), and what is left is the orchestrator's, broken down along the job's
/// activity records.
/// </summary>
internal static class IntegrationBenchmark
{
    private const string AgentId = "bench-builder";
    private const string JwtSecret = "bench-jwt-secret-0123456789abcdef0123456789";
    private const double TargetMs = 20;

    public static async Task<int> RunAsync(int count, string runners, string states = "sqlite")
    {
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        foreach (var state in states == "both" ? ["sqlite", "postgresql"] : new[] { states })
        {
            foreach (var runner in runners == "both" ? ["agents", "local"] : new[] { runners })
            {
                var runs = await MeasureAsync(runner, count, state);
                IntegrationReport.Print($"{runner}, state_management.type {state}", runs, TargetMs);
            }
        }
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        return 0;
    }

    private static async Task<List<IntegrationRun>> MeasureAsync(string runner, int count, string state)
    {
        using var depot = await SimDepot.CreateWithChangeOnMainAsync(Line(0), Line(1));
        await using var postgres = state == "postgresql" ? await LocalPostgres.StartAsync() : null;
        var home = OrchestratorProcess.CreateHome();
        var hubPort = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = runner,
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_server__port"] = hubPort.ToString(CultureInfo.InvariantCulture),
            [CommandToken.SecretVariable] = JwtSecret,
        };
        if (postgres is not null)
        {
            environment["P4FLOW_state_management__type"] = "postgresql";
            environment["P4FLOW_state_management__postgresql__connection_string_env"] = "P4FLOW_BENCH_POSTGRES";
            environment["P4FLOW_BENCH_POSTGRES"] = await postgres.CreateDatabaseAsync("p4flow");
        }
        if (runner == "agents")
        {
            // The hub certificates where the orchestrator looks by default: certs/ under its home.
            var tls = HubTlsOptions.Under(home);
            HubCertificates.EnsureCreated(tls);
            HubCertificates.IssueAgent(tls, AgentId);
            await File.WriteAllTextAsync(Path.Combine(home, "config", "agent_whitelist.yaml"),
                $"allowed_agents:\n  - hostname: \"localhost\"\n    cert_cn: \"{AgentId}\"\n    ip_range: \"127.0.0.0/8\"\n");
        }
        CapturedProcess? agent = null;
        try
        {
            await using var orchestrator = OrchestratorProcess.Start(home, environment: environment);
            await orchestrator.WaitReadyAsync();
            if (runner == "agents")
            {
                agent = StartAgent(home, hubPort, AgentId, JwtSecret);
                await Eventually.Until(() => orchestrator.Client.GetFromJsonAsync<JsonArray>(new Uri("/api/agents", UriKind.Relative)),
                    a => a!.Any(x => x!["id"]!.GetValue<string>() == AgentId && x["state"]!.GetValue<string>() == "HEALTHY"), TimeSpan.FromSeconds(90), "the agent to connect");
            }
            // The first job pays for JIT, first connections and the first SQLite pages: shown, not counted.
            var warmUp = await IntegrateAsync(orchestrator, depot, 0);
            Console.WriteLine($"[{runner}] warm-up: wall {warmUp.WallMs:0.0} ms, {warmUp.Commands.Count} commands, p4 {warmUp.P4Ms:0.0} ms");
            var runs = new List<IntegrationRun>(count);
            var orchestratorPid = ProcessCpu.PidWithWorkingDirectory(home);
            var orchestratorCpu = ProcessCpu.Of(orchestratorPid);
            var agentCpu = ProcessCpu.Of(agent?.Pid);
            for (var i = 1; i <= count; i++)
            {
                await depot.SubmitAsync($"Fix {i} on main", ("main/a.txt", Line(i + 1), null));
                var run = await IntegrateAsync(orchestrator, depot, i);
                runs.Add(run);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{runner}] {i,3}: wall {run.WallMs,7:0.0} ms  p4 {run.P4Ms,7:0.0} ms ({run.Commands.Count} commands)  overhead {run.OverheadMs,7:0.0} ms"));
            }
            // CPU the processes burnt, beside their wall time: on a loaded machine much of the wall is waiting for a core.
            var cpu = string.Create(CultureInfo.InvariantCulture, $"[{runner}] CPU per integration: orchestrator {(ProcessCpu.Of(orchestratorPid) - orchestratorCpu).TotalMilliseconds / count:0.0} ms");
            if (agent is not null) cpu += string.Create(CultureInfo.InvariantCulture, $", agent {(ProcessCpu.Of(agent.Pid) - agentCpu).TotalMilliseconds / count:0.0} ms (its p4 children not included)");
            Console.WriteLine(cpu);
            return runs;
        }
        finally
        {
            if (agent is not null) await agent.DisposeAsync();
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the temp folder is cleaned some other day.
            }
        }
    }

    /// <summary>One p4-integrate job to its end; its timings from the job and the command log.</summary>
    private static async Task<IntegrationRun> IntegrateAsync(OrchestratorProcess orchestrator, SimDepot depot, int n)
    {
        var job = await RunJobAsync(orchestrator, new JsonObject
        {
            ["source"] = "//depot/main/...",
            ["target"] = "//depot/rel/...",
            ["description"] = $"Bench integration {n}",
            ["p4port"] = depot.Root,
        }, TimeSpan.FromSeconds(120));
        return IntegrationRun.From(job, await CommandsOfAsync(orchestrator, job["id"]!.GetValue<string>()));
    }

    /// <summary>Starts a p4-integrate job and waits for its end; throws, with its fault and the orchestrator's last output, unless it submitted.</summary>
    internal static async Task<JsonObject> RunJobAsync(OrchestratorProcess orchestrator, JsonObject input, TimeSpan timeout)
    {
        using var start = await orchestrator.Client.PostAsJsonAsync(new Uri("/api/workflow-definitions/p4-integrate/runs", UriKind.Relative), input);
        if (!start.IsSuccessStatusCode) throw new InvalidOperationException($"start answered {(int)start.StatusCode}: {await start.Content.ReadAsStringAsync()}");
        var jobId = (await start.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<string>();
        var job = await Eventually.Until(() => orchestrator.Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/jobs/{jobId}", UriKind.Relative)),
            j => j!["status"]!.GetValue<string>() is "Finished" or "Faulted" or "Cancelled", timeout, $"job {jobId} to end");
        if (job!["stage"]?.GetValue<string>() != "COMPLETED" || job["result"]?["status"]?.GetValue<string>() != "submitted")
        {
            // The job's JSON holds every activity's outputs (a sync lists each file it wrote): its start is enough.
            var whole = job.ToJsonString();
            throw new InvalidOperationException(
                $"job {jobId} ended {job["status"]} at stage {job["stage"]} without submitting\nfault: {job["fault"]?.ToJsonString() ?? "none"}\nresult: {job["result"]?.ToJsonString() ?? "none"}\n" +
                $"job: {whole[..Math.Min(4000, whole.Length)]}\n{orchestrator.Output[^Math.Min(4000, orchestrator.Output.Length)..]}");
        }
        return job;
    }

    /// <summary>A job's records in the command log, which is written as each command completes, before the job can end: complete once it ended.</summary>
    internal static async Task<List<JsonNode>> CommandsOfAsync(OrchestratorProcess orchestrator, string jobId)
    {
        var log = Path.Combine(orchestrator.Home, "logs", "commands.jsonl");
        return (await File.ReadAllLinesAsync(log)).Where(l => l.Contains(jobId, StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l)!).Where(c => c["job_id"]?.GetValue<string>() == jobId).ToList();
    }

    /// <summary>A real agent process for the orchestrator in <paramref name="home"/>, its workspaces under home/agent-ID (or home/agent for the first).</summary>
    /// <param name="hubs">Every hub it may use, tried in turn (server.hubs); just <paramref name="hubPort"/> when null.</param>
    internal static CapturedProcess StartAgent(string home, int hubPort, string agentId, string jwtSecret, string folder = "agent", IReadOnlyList<int>? hubs = null)
    {
        var tls = HubTlsOptions.Under(home);
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = home };
        info.ArgumentList.Add(CompanionPrograms.AgentDll);
        // As root (the development machine) the agent runs commands as execution.run_as (nobody); SimDepot gives its depot to nobody.
        info.ArgumentList.Add("--allow-root");
        var settings = AgentConnectionSettings.For(tls, agentId, "127.0.0.1", hubPort, jwtSecret);
        settings["agent__workspace"] = Path.Combine(home, folder, "ws");
        settings["agent__state_dir"] = Path.Combine(home, folder, "state");
        settings["agent__capabilities__0"] = "p4";
        settings["execution__allowed_executables__0"] = SimDepot.Launcher;
        foreach (var (port, i) in (hubs ?? []).Select((p, i) => (p, i))) settings[$"server__hubs__{i}"] = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings) info.Environment["P4FLOW_AGENT_" + key] = value;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        return CapturedProcess.Start(info);
    }

    private static string Line(int n) => $"one\ntwo {n}\nthree\n";
}
