using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.TestSupport;

namespace P4Flow.FaultMatrix;

/// <summary>Rows that end or double a process: the orchestrator, the agent.</summary>
internal static class ProcessRows
{
    private static readonly TimeSpan JobsDeadline = TimeSpan.FromMinutes(5);

    /// <summary>kill -9 of the orchestrator once the burst's commands are under way, then a restart on the same home.</summary>
    public static async Task<RowResult> OrchestratorKilledMidBurstAsync(int burst)
    {
        await using var rig = await Rig.CreateAsync(burst);
        await rig.StartOrchestratorAsync();
        rig.StartAgent();
        await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));
        var jobs = await rig.StartJobsAsync(burst);
        // In the middle: as many commands run as there are jobs (each job has a dozen), most jobs still going.
        await Eventually.Until(() => Task.FromResult(rig.CommandsRun), n => n >= burst, TimeSpan.FromMinutes(3), "the burst's first commands");
        await rig.KillOrchestratorAsync();
        var restarted = Stopwatch.StartNew();
        await rig.StartOrchestratorAsync();
        var ends = await rig.WaitForEndAsync(jobs, JobsDeadline);
        return RowResult.From($"orchestrator kill -9 mid-burst of {burst} jobs, restarted", ends,
            await rig.RunTwiceAsync(), restarted.Elapsed, e => e.Submitted,
            "the restarted hub re-sends what was in flight; the agent answers from its result cache");
    }

    /// <summary>kill -9 of the agent alone (not its p4 children) while a command runs, then a new agent process.</summary>
    public static async Task<RowResult> AgentKilledMidCommandAsync()
    {
        await using var rig = await Rig.CreateAsync(3);
        await rig.StartOrchestratorAsync();
        var agent = rig.StartAgent();
        await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));
        // Every integrate takes 3 s: the kill lands while one runs.
        await rig.Depot.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 3000, ["commands"] = new JsonArray("integrate") });
        var jobs = await rig.StartJobsAsync(3);
        await rig.WaitForStageAsync(jobs, TimeSpan.FromMinutes(2), "INTEGRATE");
        await Eventually.Until(() => Task.FromResult(rig.ProcessesInWorkspaces()), n => n > 0, TimeSpan.FromMinutes(1), "an integrate to be running");
        await ProgramRun.ShellAsync($"kill -KILL {agent.Pid.ToString(CultureInfo.InvariantCulture)}");
        await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var restarted = Stopwatch.StartNew();
        rig.StartAgent();
        var ends = await rig.WaitForEndAsync(jobs, JobsDeadline);
        var notTwice = rig.AgentOutput.Split('\n').Count(l => l.Contains("refusing to run it twice", StringComparison.Ordinal));
        var leftovers = await rig.LeftOnTheServerAsync(ends, TimeSpan.FromMinutes(2));
        var result = RowResult.From("agent kill -9 mid-command, restarted", ends,
            await rig.RunTwiceAsync(), restarted.Elapsed, e => e.Submitted || e.ErrorClass == "AGENT_LOST",
            $"a job whose command died with the agent fails AGENT_LOST (the restarted agent answered \"result unknown, not run twice\" {notTwice} time(s)), its workspace cleaned up ({leftovers} files, changes or clients left); the others go on");
        return result with { Passed = result.Passed && leftovers == 0 };
    }

    /// <summary>A second agent process on the same state folder, then one with the same identity elsewhere, while jobs run.</summary>
    public static async Task<RowResult> SameAgentStartedTwiceAsync()
    {
        await using var rig = await Rig.CreateAsync(2);
        await rig.StartOrchestratorAsync();
        var first = rig.StartAgent();
        await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));

        var sameFolder = rig.StartAgent();
        var exit = await sameFolder.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var folderRefused = exit == 3 && sameFolder.Output.Contains("is held by another agent process", StringComparison.Ordinal);

        var elsewhere = rig.StartAgent(stateDir: Path.Combine(rig.Home, "agent", "state-2"));
        var audit = Path.Combine(rig.Home, "logs", "audit.jsonl");
        int Refusals() => File.Exists(audit)
            ? File.ReadLines(audit).Count(l => l.Contains("AGENT_REJECTED", StringComparison.Ordinal) && l.Contains("one session per agent identity", StringComparison.Ordinal))
            : 0;
        var jobs = await rig.StartJobsAsync(2);
        await Eventually.Until(() => Task.FromResult(Refusals()), n => n >= 2, TimeSpan.FromMinutes(2), "the second session to be refused twice");
        var ends = await rig.WaitForEndAsync(jobs, JobsDeadline);
        await elsewhere.KillAsync();
        var connects = first.Output.Split('\n').Count(l => l.Contains("Connected to the hub as", StringComparison.Ordinal));
        var result = RowResult.From("the same agent started twice", ends, await rig.RunTwiceAsync(), null, e => e.Submitted,
            $"same state folder: exit {exit} naming the holder; same identity elsewhere: refused {Refusals()} times (audited); the first connected {connects} time(s)");
        return result with { Passed = result.Passed && folderRefused && connects == 1 };
    }

    /// <summary>kill -9 of the orchestrator with a Continue request in flight, a restart, then the Continue again.</summary>
    public static async Task<RowResult> RestartedDuringContinueAsync()
    {
        await using var rig = await Rig.CreateAsync(1, conflicting: true);
        await rig.StartOrchestratorAsync();
        rig.StartAgent();
        await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));
        var jobs = await rig.StartJobsAsync(1);
        var job = jobs[0];
        await rig.WaitForStageAsync(jobs, TimeSpan.FromMinutes(3), "NEEDS_RESOLVE");
        // The owner resolves by hand, then presses Continue, and the orchestrator dies under the request.
        await rig.Depot.RunInJobWorkspaceAsync(Path.Combine(rig.WorkspaceRoot, job), "p4flow", $"p4flow-{job}", "resolve", "-at");
        var inFlight = rig.Client.PostAsync(new Uri($"/api/jobs/{job}/continue", UriKind.Relative), null);
        await rig.KillOrchestratorAsync();
        string answered;
        try
        {
            using var response = await inFlight;
            answered = $"the Continue was answered {(int)response.StatusCode} before the kill";
        }
        catch (HttpRequestException)
        {
            answered = "the Continue got no answer (connection reset)";
        }
        var restarted = Stopwatch.StartNew();
        await rig.StartOrchestratorAsync();
        // The user does what a user does after an error: looks, and presses Continue again if it still waits.
        var seen = await rig.JobAsync(job);
        var stage = seen?["stage"]?.GetValue<string>();
        if (stage == "NEEDS_RESOLVE")
            using (await rig.Client.PostAsync(new Uri($"/api/jobs/{job}/continue", UriKind.Relative), null)) { }
        var ends = await rig.WaitForEndAsync(jobs, JobsDeadline);
        return RowResult.From("orchestrator restarted with a Continue in flight", ends, await rig.RunTwiceAsync(),
            restarted.Elapsed, e => e.Submitted, $"{answered}; after the restart the job was in {stage ?? "?"}" + (stage == "NEEDS_RESOLVE" ? " and a second Continue took it on" : ""));
    }
}
