using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Demo;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.Security;
using P4Flow.TestSupport;

namespace P4Flow.FaultMatrix;

/// <summary>
/// The system a row breaks: a simulated depot with one branch pair per job (//depot/main/jN -> //depot/rel/jN, each
/// with one change to integrate, so jobs never wait on each other), a real orchestrator process on SQLite with its
/// hub, and real agent processes that reach the hub through a <see cref="NetworkCut"/>. It keeps every agent
/// process's output, so a row can count the commands any of them ran.
/// </summary>
internal sealed partial class Rig : IAsyncDisposable
{
    public const string AgentId = "matrix-agent";

    private readonly Dictionary<string, string> _settings;
    private readonly List<CapturedProcess> _agents = [];
    private readonly string _jwtSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
    private int _httpPort;

    private readonly bool _conflicting;

    private Rig(SimDepot depot, string home, int branches, Dictionary<string, string> settings, bool conflicting)
    {
        _conflicting = conflicting;
        Depot = depot;
        Home = home;
        Branches = branches;
        _settings = settings;
        Network = new NetworkCut(HubPort);
    }

    public SimDepot Depot { get; }
    public string Home { get; }
    public int Branches { get; }
    public int HubPort { get; } = Loopback.FreePort();
    public NetworkCut Network { get; }
    public OrchestratorProcess? Orchestrator { get; private set; }
    public HttpClient Client => (Orchestrator ?? throw new InvalidOperationException("the orchestrator is not started")).Client;
    public IReadOnlyList<CapturedProcess> Agents => _agents;
    public string AgentOutput => string.Join("\n", _agents.Select(a => a.Output));

    /// <param name="settings">Orchestrator settings (P4FLOW_section__key) on top of the matrix's.</param>
    /// <param name="conflicting">Each target has a change of its own on the line main changed: every job parks in NEEDS_RESOLVE.</param>
    public static async Task<Rig> CreateAsync(int branches, IDictionary<string, string>? settings = null, bool conflicting = false)
    {
        var depot = await SimDepot.CreateAsync();
        var files = Enumerable.Range(1, branches).Select(i => ($"main/j{i}/a.txt", "one\ntwo\nthree\n", (string?)null)).ToArray();
        await depot.SubmitAsync("Initial", files);
        await depot.BranchAsync();
        if (conflicting)
            await depot.SubmitAsync("Edit on rel", [.. Enumerable.Range(1, branches).Select(i => ($"rel/j{i}/a.txt", "one\ntwo (rel)\nthree\n", (string?)null))]);
        await depot.SubmitAsync("Fix on main", [.. files.Select(f => (f.Item1, "one\ntwo (fixed)\nthree\n", f.Item3))]);

        var home = OrchestratorProcess.CreateHome();
        var tls = HubTlsOptions.Under(home);
        HubCertificates.EnsureCreated(tls);
        HubCertificates.IssueAgent(tls, AgentId);
        await File.WriteAllTextAsync(Path.Combine(home, "config", "agent_whitelist.yaml"),
            $"allowed_agents:\n  - hostname: \"localhost\"\n    cert_cn: \"{AgentId}\"\n    ip_range: \"127.0.0.0/8\"\n");
        var all = new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "agents",
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_resources__max_concurrent_jobs"] = "20",
            // Retries quick enough for a matrix, as many as production's where a row depends on them.
            ["P4FLOW_retries__NETWORK_ERROR__attempts"] = "2",
            ["P4FLOW_retries__NETWORK_ERROR__delay"] = "1",
            ["P4FLOW_retries__TIMEOUT__attempts"] = "1",
            ["P4FLOW_retries__TIMEOUT__delay"] = "1",
            ["P4FLOW_state_management__resolve_check_interval"] = "2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        return new Rig(depot, home, branches, all, conflicting);
    }

    public string DatabaseFile => Path.Combine(Home, "data", "p4flow.db");

    /// <summary>Starts the orchestrator (again, on the same home, ports and database after a kill) and waits until it is ready.</summary>
    public async Task StartOrchestratorAsync()
    {
        Orchestrator = StartOrchestrator();
        await Orchestrator.WaitReadyAsync();
    }

    /// <summary>Starts it without waiting: a row that expects it to refuse to start watches it.</summary>
    public OrchestratorProcess StartOrchestrator()
    {
        if (Orchestrator is { HasExited: false }) throw new InvalidOperationException("the orchestrator is running");
        var environment = new Dictionary<string, string>(_settings)
        {
            ["P4FLOW_server__port"] = HubPort.ToString(CultureInfo.InvariantCulture),
            [CommandToken.SecretVariable] = _jwtSecret,
        };
        var started = OrchestratorProcess.Start(Home, _httpPort == 0 ? null : _httpPort, environment);
        _httpPort = started.Port;
        Orchestrator?.Client.Dispose();
        Orchestrator = started;
        return started;
    }

    /// <summary>kill -9, as a crash or a power cut does.</summary>
    public Task KillOrchestratorAsync() => Orchestrator?.KillAsync() ?? Task.CompletedTask;

    /// <summary>An agent process with this rig's identity; its output is kept after it ends.</summary>
    /// <param name="stateDir">Its state folder (default: the rig's one agent's).</param>
    /// <param name="environment">Variables on top (e.g. LD_PRELOAD for a skewed clock).</param>
    public CapturedProcess StartAgent(string? stateDir = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Home };
        info.ArgumentList.Add(CompanionPrograms.AgentDll);
        // As root the agent runs commands as execution.run_as (nobody); SimDepot gives its depot to nobody.
        info.ArgumentList.Add("--allow-root");
        // It dials the network cut, which relays to the hub.
        var settings = AgentConnectionSettings.For(HubTlsOptions.Under(Home), AgentId, "127.0.0.1", Network.Port, _jwtSecret);
        settings["agent__workspace"] = WorkspaceRoot;
        settings["agent__state_dir"] = stateDir ?? Path.Combine(Home, "agent", "state");
        settings["agent__capabilities__0"] = "p4";
        settings["execution__allowed_executables__0"] = SimDepot.Launcher;
        foreach (var (key, value) in settings) info.Environment["P4FLOW_AGENT_" + key] = value;
        info.Environment["Logging__LogLevel__Default"] = "Information";
        // "Cmd N of job J: running p4": the line each run of a command leaves, which the matrix counts.
        info.Environment["Logging__LogLevel__P4Flow.Agent.Execution.CommandExecutor"] = "Debug";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var agent = CapturedProcess.Start(info);
        _agents.Add(agent);
        return agent;
    }

    public string WorkspaceRoot => Path.Combine(Home, "agent", "ws");

    /// <summary>Until the hub lists the agent HEALTHY.</summary>
    public async Task WaitAgentHealthyAsync(TimeSpan timeout)
    {
        try
        {
            await Eventually.Until(() => Client.GetFromJsonAsync<JsonArray>(new Uri("/api/agents", UriKind.Relative)),
                a => a!.Any(x => x!["id"]!.GetValue<string>() == AgentId && x["state"]!.GetValue<string>() == "HEALTHY"), timeout, "the agent to be HEALTHY");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nthe agent said:\n{Tail(AgentOutput)}", ex);
        }
    }

    /// <summary>The last lines of a process's output, for a row's reason.</summary>
    public static string Tail(string output, int lines = 15) => string.Join("\n", output.Split('\n').TakeLast(lines));

    /// <summary>Starts one p4-integrate job per branch pair (the first <paramref name="count"/>), at once.</summary>
    public async Task<IReadOnlyList<string>> StartJobsAsync(int count)
    {
        if (count > Branches) throw new ArgumentOutOfRangeException(nameof(count), $"the rig has {Branches} branch pairs");
        var starts = Enumerable.Range(1, count).Select(async i =>
        {
            using var response = await Client.PostAsJsonAsync(new Uri("/api/workflow-definitions/p4-integrate/runs", UriKind.Relative), new JsonObject
            {
                ["source"] = $"//depot/main/j{i}/...",
                ["target"] = $"//depot/rel/j{i}/...",
                ["description"] = $"Matrix integration j{i}",
                ["p4port"] = Depot.Root,
            });
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"starting job j{i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!.GetValue<string>();
        });
        return await Task.WhenAll(starts);
    }

    public async Task<JsonObject?> JobAsync(string id)
    {
        using var response = await Client.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
    }

    /// <summary>
    /// Waits until every job ended (or <paramref name="timeout"/>) and says how each did; a job that did not end by
    /// then, or that the API no longer knows, is lost.
    /// </summary>
    public async Task<IReadOnlyList<JobEnd>> WaitForEndAsync(IReadOnlyList<string> jobs, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var ends = new Dictionary<string, JobEnd>();
        while (true)
        {
            foreach (var id in jobs.Where(j => !ends.TryGetValue(j, out var e) || !e.Ended))
            {
                try
                {
                    ends[id] = JobEnd.From(id, await JobAsync(id));
                }
                catch (HttpRequestException)
                {
                    // Restarting: asked again next round.
                }
            }
            if (jobs.All(j => ends.TryGetValue(j, out var e) && e.Ended) || clock.Elapsed > timeout)
                return [.. jobs.Select(j => ends.GetValueOrDefault(j) ?? JobEnd.From(j, null))];
            await Task.Delay(250);
        }
    }

    /// <summary>Waits until some job reached one of <paramref name="stages"/> (a fault is placed in the middle of a burst).</summary>
    public Task WaitForStageAsync(IReadOnlyList<string> jobs, TimeSpan timeout, params string[] stages) =>
        Eventually.Until(async () =>
        {
            var seen = await Task.WhenAll(jobs.Select(JobAsync));
            return seen.Count(j => j?["stage"]?.GetValue<string>() is { } s && stages.Contains(s));
        }, n => n > 0, timeout, $"a job to reach {string.Join(" or ", stages)}");

    /// <summary>
    /// Waits for the cleanup of every job that did not submit (its files reverted, change and client deleted on the
    /// server), then counts what each still holds there: 0 when nothing was left behind.
    /// </summary>
    public async Task<int> LeftOnTheServerAsync(IEnumerable<JobEnd> ends, TimeSpan timeout)
    {
        var left = 0;
        foreach (var end in ends.Where(e => !e.Submitted))
        {
            await Eventually.Until(() => JobAsync(end.Id), j => j?["cleanup"]?["status"]?.GetValue<string>() == "DONE", timeout, $"job {end.Id}'s cleanup");
            ClearFaults();
            left += (await Depot.LeftoversOfAsync($"p4flow-{end.Id}")).Count;
        }
        return left;
    }

    /// <summary>Command ids that more than one run of an agent process started ("Cmd N of job J: running").</summary>
    private IReadOnlyList<long> CommandsRunTwice() =>
        [.. RunningLine().Matches(AgentOutput).GroupBy(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Where(g => g.Count() > 1).Select(g => g.Key)];

    public int CommandsRun => RunningLine().Count(AgentOutput);

    /// <summary>What ran twice: commands an agent process started more than once, plus changes the server holds twice.</summary>
    public async Task<int> RunTwiceAsync() => CommandsRunTwice().Count + await ExtraSubmitsAsync();

    /// <summary>The row is over: the server answers again, whatever the row made it do.</summary>
    private void ClearFaults() => File.Delete(Path.Combine(Depot.Root, "faults.json"));

    /// <summary>
    /// Changes on a target branch beyond the branch change and the job's one submit: a submit (or integrate) that a
    /// repeated command would have made twice, counted on the server itself.
    /// </summary>
    private async Task<int> ExtraSubmitsAsync()
    {
        ClearFaults();
        var extra = 0;
        for (var i = 1; i <= Branches; i++)
        {
            var changes = (await Depot.RunAsync("changes", $"//depot/rel/j{i}/...")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            extra += Math.Max(0, changes - (_conflicting ? 3 : 2));
        }
        return extra;
    }

    /// <summary>Processes running in a job's workspace, the p4 commands of this rig (a hung command must not outlive its timeout).</summary>
    public int ProcessesInWorkspaces() => InWorkspaces().Count();

    /// <summary>
    /// The pids whose working folder is under the workspace root. A p4 command outlives an agent killed with kill -9
    /// (it runs in its own process group, as nobody, with a scrubbed environment the test run's leftover check cannot
    /// see), so the rig ends these itself.
    /// </summary>
    private IEnumerable<int> InWorkspaces()
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            string? cwd;
            try
            {
                cwd = new DirectoryInfo(Path.Combine(proc, "cwd")).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // ended meanwhile
            }
            if (cwd is not null && cwd.StartsWith(WorkspaceRoot + "/", StringComparison.Ordinal))
                yield return int.Parse(Path.GetFileName(proc), CultureInfo.InvariantCulture);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents) await agent.DisposeAsync();
        foreach (var pid in InWorkspaces().ToList())
        {
            try
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Ended meanwhile.
            }
        }
        if (Orchestrator is not null) await Orchestrator.DisposeAsync();
        await Network.DisposeAsync();
        Depot.Dispose();
        try
        {
            // P4FLOW_MATRIX_KEEP=FOLDER keeps each row's home (database, logs, journal) there to read after a NOT OK.
            if (Environment.GetEnvironmentVariable("P4FLOW_MATRIX_KEEP") is { Length: > 0 } keep) Directory.Move(Home, Path.Combine(keep, Path.GetFileName(Home)));
            else Directory.Delete(Home, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open; the temp folder is cleaned some other day.
        }
    }

    [GeneratedRegex(@"Cmd (\d+) of job \S+: running")]
    private static partial Regex RunningLine();
}

/// <summary>How one job of a row ended, as its user sees it in the API.</summary>
public sealed record JobEnd(string Id, string Status, string? Stage, string? ErrorClass, bool Submitted)
{
    /// <summary>The first line of the job's fault, as the user reads it.</summary>
    public string? FaultMessage { get; init; }

    public bool Ended => Status is "Finished" or "Faulted" or "Cancelled";

    /// <summary>What the row's outcome column says of it: submitted, FAILED CLASS, or where it stopped.</summary>
    public string Outcome => Submitted ? "submitted"
        : Status == "Faulted" ? $"FAILED {ErrorClass ?? "(no error class)"}"
        : Ended ? $"{Status.ToUpperInvariant()} at {Stage}"
        : Status == "missing" ? "missing from the API" : $"stuck in {Stage}";

    public static JobEnd From(string id, JsonObject? job) => job is null
        ? new JobEnd(id, "missing", null, null, false)
        : new JobEnd(id, job["status"]!.GetValue<string>(), job["stage"]?.GetValue<string>(), job["fault"]?["errorClass"]?.GetValue<string>(),
            job["result"]?["status"]?.GetValue<string>() == "submitted")
        {
            FaultMessage = job["fault"]?["message"]?.GetValue<string>().Split('\n')[0],
        };
}
