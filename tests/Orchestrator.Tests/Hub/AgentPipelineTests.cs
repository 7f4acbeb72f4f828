using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>A real orchestrator whose job commands run on a real agent process, against the p4 simulator.</summary>
public sealed class AgentPipelineTests
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task Integrate_WithAgent_WaitsForAgentThenRunsEveryCommandOnIt()
    {
        var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("two", "TWO", StringComparison.Ordinal));
        var (home, hubPort) = PrepareHome("builder");
        await using var orchestrator = await StartOrchestratorAsync(home, hubPort, ("P4FLOW_perforce__user", "p4flow"));

        using var start = await orchestrator.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", new JsonObject
        {
            ["source"] = "//depot/main/...",
            ["target"] = "//depot/rel/...",
            ["description"] = "Integrate on an agent",
            ["p4port"] = depot.Root,
            ["agentRequirements"] = new JsonObject { ["capabilities"] = new JsonArray("p4"), ["labels"] = new JsonArray("linux") },
        });
        Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
        var jobId = (await start.ReadJsonAsync()).Str("jobId");
        await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") == AgentCommandDispatcher.WaitingStage, "to wait for an agent");

        await using var agent = AgentProcess.Start(home, hubPort, "builder", labels: ["linux"]);
        var job = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);

        Assert.True(job.Str("status") == "Finished", job.ToJsonString());
        Assert.Equal("submitted", job["result"]!.Str("status"));
        // The job's folder was on the agent, and went with the finished job.
        await agent.WaitForOutputAsync($"Job {jobId} ended; its folder {Path.Combine(agent.Workspace, jobId)} was removed", "the agent to remove the job's folder");
        Assert.False(Directory.Exists(Path.Combine(agent.Workspace, jobId)), "the finished job's folder is gone");
        Assert.False(Directory.Exists(Path.Combine(home, "data", "workspaces", jobId)), "nothing ran in the orchestrator");
        // The server cleanup after the job runs on the agent in a folder of its own, removed in turn; the job's stays gone.
        await orchestrator.Client.WaitForJobAsync(jobId, j => j["cleanup"]?.Str("status") == "DONE", "the server cleanup");
        await agent.WaitForOutputAsync($"Job {jobId}-cleanup ended; its folder {Path.Combine(agent.Workspace, jobId)}-cleanup was removed", "the agent to remove the cleanup's folder");
        Assert.False(Directory.Exists(Path.Combine(agent.Workspace, jobId)), "the finished job's folder is not made again");
        var agents = await orchestrator.Client.GetJsonAsync("/api/agents");
        var builder = agents.AsArray().Single(a => a!.Str("id") == "builder")!;
        Assert.Equal("HEALTHY", builder.Str("state"));
        Assert.True(builder["commandsSent"]!.GetValue<long>() >= 5);
        Assert.Equal(["linux"], builder["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(Base.Replace("two", "TWO", StringComparison.Ordinal), await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));
        // The command log names the agent that ran each command and how it was contained.
        var commands = (await File.ReadAllLinesAsync(Path.Combine(home, "logs", "commands.jsonl")))
            .Select(l => JsonNode.Parse(l)!).Where(l => l.Str("job_id") == jobId).ToList();
        Assert.NotEmpty(commands);
        Assert.All(commands, c => Assert.Equal("builder", c.Str("agent_id")));
        Assert.All(commands, c => Assert.Contains("rlimits", c["metadata"]!.Str("containment"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiPort_AgentProtocolRequest_NotServed()
    {
        var (home, hubPort) = PrepareHome("builder");
        await using var orchestrator = await StartOrchestratorAsync(home, hubPort);

        // The hub tells its own port by the connection, not the Host header (an agent behind a port mapping names
        // another port); the API's plain port still never serves the agent protocol, to anyone.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/p4flow.agent.v1.AgentHub/Connect") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new("application/grpc");
        using var answer = await orchestrator.Client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, answer.StatusCode);
    }

    [Fact]
    public async Task Integrate_AgentKilledMidCommand_JobFailsWithAgentLost()
    {
        var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("one", "ONE", StringComparison.Ordinal));
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "hang", ["commands"] = new JsonArray("integrate") });
        var (home, hubPort) = PrepareHome("builder");
        await using var orchestrator = await StartOrchestratorAsync(home, hubPort, ("P4FLOW_agents__lost_grace", "10"));
        await using var agent = AgentProcess.Start(home, hubPort, "builder");

        var jobId = await StartIntegrateAsync(orchestrator, depot);
        await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "INTEGRATE", "to integrate");
        await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/agents"), a => a.AsArray().Any(x => x!["commandsInFlight"]!.GetValue<int>() == 1), TimeSpan.FromSeconds(120), "the hanging integrate on the agent");
        await agent.KillAsync();
        var job = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);

        Assert.Equal("Faulted", job.Str("status"));
        Assert.Equal("AGENT_LOST", job["fault"]!.Str("errorClass"));
        Assert.Contains("agents.lost_grace", job["fault"]!.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NeedsResolve_ResolvedOnTheAgentThenContinuedThroughTheApi_CompletesAndRecordsWhoContinued()
    {
        var depot = await SimDepot.CreateDemoAsync();
        var (home, hubPort) = PrepareHome("builder");
        // The watcher stays out of it: only the API call can move the job on.
        await using var orchestrator = await StartOrchestratorAsync(home, hubPort, ("P4FLOW_state_management__resolve_check_interval", "3600"));
        await using var agent = AgentProcess.Start(home, hubPort, "builder");
        var jobId = await StartIntegrateAsync(orchestrator, depot);
        await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);

        // What the demo prints: resolve in the job's workspace on the agent, then Continue.
        await depot.RunInJobWorkspaceAsync(Path.Combine(agent.Workspace, jobId), "p4flow", $"p4flow-{jobId}", "resolve", "-at");
        using var continued = await orchestrator.Client.PostJsonAsync($"/api/jobs/{jobId}/continue", null);
        var answer = await continued.ReadJsonAsync();
        var job = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);

        Assert.True(answer["conflictsResolved"]!.GetValue<bool>(), answer.ToJsonString());
        Assert.True(job.Str("status") == "Finished", job.ToJsonString());
        Assert.Equal("submitted", job["result"]!.Str("status"));
        var outputs = job["activities"]!.AsArray().Single(a => a!.Str("activityId") == "needsResolve")!["outputs"]!.ToJsonString();
        Assert.Contains(P4Flow.Orchestrator.Security.CredentialBootstrap.AdminKeyName + " (api)", outputs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobCancelledWhileItsAgentIsAway_FolderRemovedWhenTheAgentComesBack()
    {
        var depot = await SimDepot.CreateDemoAsync();
        var (home, hubPort) = PrepareHome("builder");
        await using var orchestrator = await StartOrchestratorAsync(home, hubPort, ("P4FLOW_state_management__resolve_check_interval", "3600"));
        await using var agent = AgentProcess.Start(home, hubPort, "builder");
        var jobId = await StartIntegrateAsync(orchestrator, depot);
        await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);
        var folder = Path.Combine(agent.Workspace, jobId);
        Assert.True(Directory.Exists(folder));

        // The job ends while its agent is away: nobody can tell the agent then.
        await agent.DisposeAsync();
        (await orchestrator.Client.PostJsonAsync($"/api/jobs/{jobId}/cancel", new JsonObject { ["reason"] = "not needed" })).EnsureSuccessStatusCode();
        var stray = Directory.CreateDirectory(Path.Combine(agent.Workspace, "not-a-job-of-this-hub")).FullName;
        await using var back = AgentProcess.Start(home, hubPort, "builder");

        await back.WaitForOutputAsync($"Job {jobId} ended; its folder {folder} was removed", "the agent to remove the ended job's folder");
        Assert.False(Directory.Exists(folder));
        Assert.True(Directory.Exists(stray), "a folder of a job the hub does not know is left alone");
    }

    [Fact]
    public async Task NeedsResolve_AgentGoneForGood_WatcherFailsTheJobWithAgentLost()
    {
        var depot = await SimDepot.CreateDemoAsync();
        var (home, hubPort) = PrepareHome("builder");
        await using var orchestrator = await StartOrchestratorAsync(home, hubPort, ("P4FLOW_agents__lost_grace", "10"), ("P4FLOW_state_management__resolve_check_interval", "1"));
        await using var agent = AgentProcess.Start(home, hubPort, "builder");
        var jobId = await StartIntegrateAsync(orchestrator, depot);
        await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);

        // The workspace holding the conflicts goes with its agent; after the grace the job cannot go on.
        await agent.KillAsync();
        var job = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);

        Assert.Equal("Faulted", job.Str("status"));
        Assert.Equal("FAILED", job.Str("stage"));
        Assert.Equal("AGENT_LOST", job["fault"]!.Str("errorClass"));
        using var again = await orchestrator.Client.PostAsync(new Uri($"/api/jobs/{jobId}/continue", UriKind.Relative), null);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
        // The server still holds the job's opened files and client: the cleanup waits for an agent that reaches it.
        Assert.NotEmpty(await depot.LeftoversOfAsync("p4flow-" + jobId));
        await using var back = AgentProcess.Start(home, hubPort, "builder");
        await orchestrator.Client.WaitForJobAsync(jobId, j => j["cleanup"]?.Str("status") == "DONE", "the cleanup on the agent that came back", seconds: 300);
        Assert.Empty(await depot.LeftoversOfAsync("p4flow-" + jobId));
    }

    [Fact]
    public async Task Integrate_CancelledWithKeepFailedWorkspaces_AgentStopsItsCommandAndKeepsTheFolder()
    {
        var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("one", "ONE", StringComparison.Ordinal));
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "hang", ["commands"] = new JsonArray("integrate") });
        var (home, hubPort) = PrepareHome("builder");
        await using var orchestrator = await StartOrchestratorAsync(home, hubPort);
        await using var agent = AgentProcess.Start(home, hubPort, "builder", environment: new Dictionary<string, string> { ["P4FLOW_AGENT_execution__keep_failed_workspaces"] = "true" });

        var jobId = await StartIntegrateAsync(orchestrator, depot, "Integrate, then cancelled");
        await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/agents"), a => a.AsArray().Any(x => x!["commandsInFlight"]!.GetValue<int>() == 1), TimeSpan.FromSeconds(120), "the hanging integrate on the agent");
        using var cancel = await orchestrator.Client.PostJsonAsync($"/api/jobs/{jobId}/cancel", new JsonObject { ["reason"] = "test" });
        var job = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);

        Assert.Equal("Cancelled", job.Str("status"));
        await agent.WaitForOutputAsync($"Job {jobId} ended without success; its folder {Path.Combine(agent.Workspace, jobId)} is kept", "the agent to keep the job's folder");
        Assert.True(Directory.Exists(Path.Combine(agent.Workspace, jobId)), "the cancelled job's folder is kept");
    }

    /// <summary>Starts p4-integrate main -> rel on <paramref name="depot"/>; returns the job id.</summary>
    /// <summary>Starts p4-integrate of main into rel on <paramref name="depot"/> (a raw P4PORT); answers the job's id.</summary>
    internal static async Task<string> StartIntegrateAsync(OrchestratorProcess orchestrator, SimDepot depot, string? description = null)
    {
        var input = new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root };
        if (description is not null) input["description"] = description;
        using var start = await orchestrator.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", input);
        return (await start.ReadJsonAsync()).Str("jobId");
    }

    /// <summary>A real orchestrator that sends every command to agents over its hub on <paramref name="hubPort"/>, ready.</summary>
    internal static async Task<OrchestratorProcess> StartOrchestratorAsync(string home, int hubPort, params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "agents",
            [P4Flow.Protocol.Security.CommandToken.SecretVariable] = HubHost.JwtSecret,
            ["P4FLOW_server__port"] = hubPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        var orchestrator = OrchestratorProcess.Start(home, environment: environment);
        try
        {
            await orchestrator.WaitReadyAsync();
        }
        catch
        {
            await orchestrator.DisposeAsync();
            throw;
        }
        return orchestrator;
    }

    internal static (string Home, int HubPort) PrepareHome(string agent)
    {
        var home = OrchestratorProcess.CreateHome();
        var tls = HubHost.Folder(home);
        HubCertificates.EnsureCreated(tls);
        HubCertificates.IssueAgent(tls, agent);
        File.WriteAllText(Path.Combine(home, "config", "agent_whitelist.yaml"), HubHost.Whitelist([(agent, "127.0.0.0/8")]));
        return (home, Loopback.FreePort());
    }
}
