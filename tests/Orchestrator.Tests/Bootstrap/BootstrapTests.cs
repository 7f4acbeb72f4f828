using System.Net;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Tests.Bootstrap;

/// <summary>
/// A real orchestrator process enrols this machine over real SSH: the agent it installs connects over mTLS and runs
/// a job; a second bootstrap upgrades it in place; removal revokes it.
/// </summary>
[Collection(SshHostCollection.Name)]
public sealed class BootstrapTests(SshHostFixture ssh)
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task Bootstrap_ThisHostOverSsh_AgentRunsJobThenUpgradesThenIsRemoved()
    {
        var name = "ssh-" + Guid.NewGuid().ToString("N")[..8];
        var agentBase = $"/home/p4agent/p4flow/{name}";
        var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("two", "TWO", StringComparison.Ordinal));
        // The agent runs as the unprivileged p4agent: it must be able to write the simulator's depot.
        await ProgramRun.ShellAsync($"chmod -R a+rwX {Path.GetDirectoryName(depot.Root)}");
        await using var orchestrator = await StartOrchestratorAsync();
        try
        {
            await EnrolRunUpgradeRemoveAsync(orchestrator, depot, name, agentBase);
        }
        finally
        {
            // A failed run must not leave its agent behind.
            await AgentInstall.RemoveLeftoversAsync(agentBase);
        }
    }

    private async Task EnrolRunUpgradeRemoveAsync(Orchestrator orchestrator, SimDepot depot, string name, string agentBase)
    {
        var client = orchestrator.Client;

        using (var bad = await client.PostJsonAsync("/api/agents/bootstrap", new JsonObject { ["port"] = 0, ["keyRef"] = "/nope" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.ReadJsonAsync())["errors"]!.AsObject();
            Assert.True(errors.ContainsKey("host") && errors.ContainsKey("port") && errors.ContainsKey("keyRef") && errors.ContainsKey("agentName"), errors.ToJsonString());
        }

        var first = await BootstrapAsync(client, name);
        Assert.Equal(
            [BootstrapSteps.Connect, BootstrapSteps.Platform, BootstrapSteps.AgentUser, BootstrapSteps.Package, BootstrapSteps.Upload, BootstrapSteps.Certificates,
             BootstrapSteps.Configure, BootstrapSteps.Whitelist, BootstrapSteps.Install, BootstrapSteps.Start, BootstrapSteps.WaitConnected],
            first["steps"]!.AsArray().Where(s => s!.Str("status") != "Running").Select(s => s!.Str("step")));
        Assert.Equal(name, first.Str("agentId"));
        Assert.Equal("p4agent", await ProgramRun.ShellAsync($"stat -c %U {agentBase}/certs/agent.key"));
        Assert.Equal("600", await ProgramRun.ShellAsync($"stat -c %a {agentBase}/certs/agent.key"));
        Assert.Equal("700", await ProgramRun.ShellAsync($"stat -c %a {agentBase}/certs"));
        Assert.Equal("700", await ProgramRun.ShellAsync("stat -c %a /home/p4agent"));
        Assert.Contains(name, await File.ReadAllTextAsync(Path.Combine(orchestrator.Home, "config", "agent_whitelist.yaml")), StringComparison.Ordinal);

        var jobId = await RunJobAsync(client, depot);
        // The agent runs as p4agent, and removes the job's folder once the job has ended.
        Assert.Equal("p4agent", await ProgramRun.ShellAsync($"ps -o user= -p $(cat {agentBase}/agent.pid)"));
        await Eventually.Until(() => ProgramRun.ShellAsync($"[ -e {agentBase}/workspaces/{jobId} ] && echo kept || echo removed"),
            state => state == "removed", TimeSpan.FromSeconds(120), "the agent to remove the ended job's folder");
        Assert.Equal(Base.Replace("two", "TWO", StringComparison.Ordinal), await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));

        var pid = await ProgramRun.ShellAsync($"cat {agentBase}/agent.pid");
        var inode = await ProgramRun.ShellAsync($"stat -c %i {agentBase}/bin/P4Flow.Agent");
        var connected = (await AgentAsync(client, name))!["connectedSince"]!.GetValue<DateTimeOffset>();

        // The second bootstrap through the orchestrator's command line, which prints each step as it happens.
        var cli = await CliAsync(client, orchestrator.Home, "agents", "bootstrap", "--host", "127.0.0.1", "--port", ssh.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--user", SshHostFixture.User, "--key", ssh.ClientKey, "--name", name, "--labels", "linux,ssh");
        Assert.Contains($"{BootstrapSteps.Upload}: succeeded", cli, StringComparison.Ordinal);
        Assert.Contains($"bootstrap of {name} succeeded", cli, StringComparison.Ordinal);
        Assert.NotEqual(pid, await ProgramRun.ShellAsync($"cat {agentBase}/agent.pid"));
        Assert.NotEqual(inode, await ProgramRun.ShellAsync($"stat -c %i {agentBase}/bin/P4Flow.Agent"));
        Assert.Equal("", await ProgramRun.ShellAsync($"kill -0 {pid} 2>/dev/null && echo still-running"));
        var upgraded = (await AgentAsync(client, name))!;
        Assert.Equal("HEALTHY", upgraded.Str("state"));
        Assert.True(upgraded["connectedSince"]!.GetValue<DateTimeOffset>() > connected, "the upgraded agent connected again");

        var beforeRestart = await ProgramRun.ShellAsync($"cat {agentBase}/agent.pid");
        using (var restart = await client.PostAsync(new Uri($"/api/agents/{name}/restart", UriKind.Relative), null))
        {
            var restarted = await FollowAsync(client, await restart.ReadJsonAsync());
            Assert.True(restarted.Str("status") == "succeeded", restarted.ToJsonString());
        }
        Assert.NotEqual(beforeRestart, await ProgramRun.ShellAsync($"cat {agentBase}/agent.pid"));

        // Frozen (SIGSTOP): the AGENT_HANG playbook sees it miss its pongs and restarts it over SSH by itself.
        var frozenPid = await ProgramRun.ShellAsync($"cat {agentBase}/agent.pid");
        await ProgramRun.ShellAsync($"kill -STOP {frozenPid}");
        var hang = await Eventually.Until(() => client.GetJsonAsync("/api/incidents?playbook=AGENT_HANG"), l => l.AsArray().Count == 1, TimeSpan.FromSeconds(180), "the AGENT_HANG incident");
        var steps = hang.AsArray()[0]!["steps"]!.AsArray().ToDictionary(s => s!.Str("step"), s => s!.Str("outcome"));
        Assert.True(steps["restart_over_ssh"] == "done", hang.ToJsonString() + await ProgramRun.ShellAsync($"tail -n 40 {agentBase}/agent.log; ps -ef | grep -i p4flow.agen[t]"));
        Assert.Equal("recovered", hang.AsArray()[0]!.Str("outcome"));
        Assert.NotEqual(frozenPid, await ProgramRun.ShellAsync($"cat {agentBase}/agent.pid"));
        Assert.Equal("", await ProgramRun.ShellAsync($"kill -0 {frozenPid} 2>/dev/null && echo still-running"));
        await Eventually.Until(() => AgentAsync(client, name), a => a?.Str("state") == "HEALTHY", TimeSpan.FromSeconds(60), "the restarted agent to answer");

        var attempts = AuditLines(orchestrator.Home).Where(l => l.Str("event_type") == BootstrapService.AttemptEvent).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a =>
        {
            Assert.Equal("ACCEPTED", a.Str("result"));
            Assert.Equal(name, a.Str("agent_id"));
            Assert.Equal("127.0.0.1", a.Str("target_ip"));
            Assert.Equal("127.0.0.1", a.Str("target_host"));
            Assert.Equal("bootstrap-admin", a.Str("user")); // the admin key that asked (the API and the command line alike)
            Assert.Matches("^sha256:[0-9a-f]{64}$", a.Str("ssh_command_hash"));
            Assert.True(a["duration_ms"]!.GetValue<long>() > 0);
            Assert.NotNull(a["timestamp"]);
        });

        using (var remove = await client.DeleteAsync(new Uri($"/api/agents/{name}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Accepted, remove.StatusCode);
            var removed = await FollowAsync(client, await remove.ReadJsonAsync());
            Assert.True(removed.Str("status") == "succeeded", removed.ToJsonString());
        }
        Assert.Null(await AgentAsync(client, name));
        Assert.DoesNotContain(name, await File.ReadAllTextAsync(Path.Combine(orchestrator.Home, "config", "agent_whitelist.yaml")), StringComparison.Ordinal);
        Assert.False(Directory.Exists(agentBase), "the agent's files are gone");
        Assert.Equal("", await ProgramRun.ShellAsync($"pgrep -f {agentBase}/bi[n]/P4Flow.Agent"));
        using var again = await client.PostAsync(new Uri($"/api/agents/{name}/restart", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    private sealed class Orchestrator(OrchestratorProcess process, string home) : IAsyncDisposable
    {
        public HttpClient Client => process.Client;
        public string Home => home;
        public ValueTask DisposeAsync() => process.DisposeAsync();
    }

    private async Task<Orchestrator> StartOrchestratorAsync()
    {
        var home = OrchestratorProcess.CreateHome();
        HubCertificates.EnsureCreated(HubHost.Folder(home));
        await File.WriteAllTextAsync(Path.Combine(home, "config", "agent_whitelist.yaml"), "# enrolled agents are added here\nallowed_agents: []\n");
        var process = OrchestratorProcess.Start(home, environment: new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "agents",
            [P4Flow.Protocol.Security.CommandToken.SecretVariable] = HubHost.JwtSecret,
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_agents__whitelist_poll_interval"] = "0.2",
            // A frozen agent is seen within seconds (three pings missed three seconds each), a live one never is.
            ["P4FLOW_agents__ping_interval"] = "0.5",
            ["P4FLOW_agents__pong_timeout"] = "3",
            ["P4FLOW_bootstrap__known_hosts"] = ssh.KnownHosts,
            ["P4FLOW_bootstrap__agent_package"] = ssh.Bundle.Path,
            ["P4FLOW_bootstrap__allowed_executables__0"] = SimDepot.Launcher,
        });
        try
        {
            await process.WaitReadyAsync();
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return new Orchestrator(process, home);
    }

    private async Task<JsonNode> BootstrapAsync(HttpClient client, string name)
    {
        using var start = await client.PostJsonAsync("/api/agents/bootstrap", new JsonObject
        {
            ["host"] = "127.0.0.1",
            ["port"] = ssh.Port,
            ["user"] = SshHostFixture.User,
            ["keyRef"] = ssh.ClientKey,
            ["agentName"] = name,
            ["labels"] = new JsonArray("linux", "ssh"),
        });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var done = await FollowAsync(client, await start.ReadJsonAsync());
        Assert.True(done.Str("status") == "succeeded", done.ToJsonString());
        return done;
    }

    /// <summary>
    /// The orchestrator's command line against the running orchestrator, run in its home so that it signs in with the
    /// admin key written there; returns what it printed (it must exit 0).
    /// </summary>
    private static async Task<string> CliAsync(HttpClient api, string home, params string[] args)
    {
        var result = await ProgramRun.RunAsync("dotnet", [OrchestratorBuild.Program, .. args, "--api", api.BaseAddress!.ToString()], home, timeout: TimeSpan.FromSeconds(180));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Output}");
        return result.Stdout;
    }

    private static Task<JsonNode> FollowAsync(HttpClient client, JsonNode operation) =>
        Eventually.Until(() => client.GetJsonAsync($"/api/agents/operations/{operation.Str("id")}"), o => o.Str("status") != "running", TimeSpan.FromSeconds(180), "the operation to end");

    private static async Task<JsonNode?> AgentAsync(HttpClient client, string name) =>
        (await client.GetJsonAsync("/api/agents")).AsArray().FirstOrDefault(a => a!.Str("id") == name);

    private static async Task<string> RunJobAsync(HttpClient client, SimDepot depot)
    {
        using var start = await client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", new JsonObject
        {
            ["source"] = "//depot/main/...",
            ["target"] = "//depot/rel/...",
            ["description"] = "Integrate on an agent enrolled over SSH",
            ["p4port"] = depot.Root,
            ["agentRequirements"] = new JsonObject { ["labels"] = new JsonArray("ssh") },
        });
        Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
        var jobId = (await start.ReadJsonAsync()).Str("jobId");
        var job = await client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);
        Assert.True(job.Str("status") == "Finished", job.ToJsonString());
        return jobId;
    }

    private static List<JsonObject> AuditLines(string home) =>
        [.. File.ReadAllLines(Path.Combine(home, "logs", "audit.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())];
}
