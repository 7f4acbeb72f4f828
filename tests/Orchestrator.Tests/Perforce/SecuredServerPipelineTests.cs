using System.Net;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// A real orchestrator and a real agent against a simulated server an administrator secured (security=3, tickets
/// only), reached over ssl: with its fingerprint configured: the named server logs in from a password file, one
/// changelist is integrated and traced in the description, and whatever way a job ends the server is left clean.
/// </summary>
public sealed class SecuredServerPipelineTests : IAsyncLifetime
{
    private const string Base = "one\ntwo\nthree\n";
    private const string Password = "P4flow-Bot-pass-42";
    private const string Server = "secured";
    private readonly string _secrets = Directory.CreateTempSubdirectory("p4flow-secrets-").FullName;
    private SimDepot _depot = null!;
    private string PasswordFile => Path.Combine(_secrets, "p4-password");
    private string _home = null!;
    private OrchestratorProcess _orchestrator = null!;
    private AgentProcess _agent = null!;

    public async Task InitializeAsync()
    {
        // Change 3 (a.txt) and change 4 (b.txt) on main: a job can take one of them.
        _depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("two", "TWO", StringComparison.Ordinal));
        await _depot.SubmitAsync("Unrelated work on main", ("main/b.txt", "b\n", null));
        await _depot.SecureAsync(3, ("p4flow", Password));
        var fingerprint = (await _depot.RunAsync("sslkey")).Trim().Split(' ')[^1];
        await File.WriteAllTextAsync(PasswordFile, Password + "\n");
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        int hubPort;
        (_home, hubPort) = AgentPipelineTests.PrepareHome("builder");
        _orchestrator = await AgentPipelineTests.StartOrchestratorAsync(_home, hubPort,
            ("P4FLOW_perforce__allow_job_ports", "false"),
            ($"P4FLOW_perforce__servers__{Server}__port", "ssl:" + _depot.Root),
            ($"P4FLOW_perforce__servers__{Server}__user", "p4flow"),
            ($"P4FLOW_perforce__servers__{Server}__fingerprint", fingerprint),
            ($"P4FLOW_perforce__servers__{Server}__credentials__password_file", PasswordFile),
            ("P4FLOW_state_management__resolve_check_interval", "3600"),
            ("P4FLOW_retries__NETWORK_ERROR__attempts", "1"),
            ("P4FLOW_retries__NETWORK_ERROR__delay", "1"));
        _agent = AgentProcess.Start(_home, hubPort, "builder");
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _orchestrator.DisposeAsync();
        _depot.Dispose();
        Directory.Delete(_secrets, recursive: true);
    }

    [Fact]
    public async Task Integrate_OneChangelistOnSecuredSslServer_SubmittedTracedAndNothingLeftOnTheServer()
    {
        var jobId = await StartAsync(new JsonObject { ["changes"] = "3" });
        var job = await WaitForCleanupAsync(jobId);

        Assert.True(job.Str("status") == "Finished", job.ToJsonString());
        Assert.Equal("submitted", job["result"]!.Str("status"));
        // Only change 3 came over: a.txt, not b.txt of change 4.
        var submitted = (await _depot.RunAsync("changes", "-m", "1", "//depot/rel/...")).Split(' ')[1];
        var described = await _depot.RunAsync("describe", "-s", submitted);
        Assert.Contains("#p4flow-source: CL 3 in //depot/main/...", described, StringComparison.Ordinal);
        Assert.Contains($"#p4flow-job: {jobId}", described, StringComparison.Ordinal);
        Assert.Contains("//depot/rel/a.txt#", described, StringComparison.Ordinal);
        Assert.DoesNotContain("b.txt", described, StringComparison.Ordinal);
        // By default the integrate was virtual: the workspace was never synced to the target's head.
        var integrate = job["activities"]!.AsArray().Single(a => a!.Str("activityId") == "integrate")!;
        Assert.True(integrate["outputs"]!["virtual"]!.GetValue<bool>(), integrate.ToJsonString());
        await AssertServerCleanAsync(jobId);
        // Logged in on the agent, ticket in the agent's state folder, owner-only; the login audited without a secret.
        var tickets = Path.Combine(_agent.StateDir, "p4", Server + ".tickets");
        Assert.True(File.Exists(tickets), "the ticket is kept in the agent's state folder");
        Assert.Equal(0, (int)File.GetUnixFileMode(tickets) & 0b111_111);
        var audit = await File.ReadAllTextAsync(Path.Combine(_home, "logs", "audit.jsonl"));
        Assert.Contains("P4_LOGGED_IN", audit, StringComparison.Ordinal);
        AssertPasswordNowhere();
        Assert.DoesNotContain(Password, job.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_JobWaitingForAResolve_ItsOpenFilesChangeShelfAndClientAreGone()
    {
        // Conflicting edits on main and rel: the job stops for a person, opened files and all.
        await _depot.SubmitAsync("Edit on rel", ("rel/a.txt", Base.Replace("two", "deux", StringComparison.Ordinal), null));
        var jobId = await StartAsync(new JsonObject());
        await _orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);
        Assert.Contains("p4flow-" + jobId, await _depot.RunAsync("opened", "-a"), StringComparison.Ordinal);

        (await _orchestrator.Client.PostJsonAsync($"/api/jobs/{jobId}/cancel", new JsonObject { ["reason"] = "not needed" })).EnsureSuccessStatusCode();
        var job = await WaitForCleanupAsync(jobId);

        Assert.Equal("Cancelled", job.Str("status"));
        await AssertServerCleanAsync(jobId);
        AssertPasswordNowhere();
    }

    [Fact]
    public async Task Push_ServerUnreachableForSubmit_JobFailsAndCleanupDeletesItsShelvedChange()
    {
        await _depot.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable", ["commands"] = new JsonArray("submit") });
        var jobId = await StartAsync(new JsonObject { ["changes"] = "3" });
        var job = await WaitForCleanupAsync(jobId);

        Assert.Equal("Faulted", job.Str("status"));
        Assert.Equal("NETWORK_ERROR", job["fault"]!.Str("errorClass"));
        Assert.NotEmpty(job["cleanup"]!["report"]!["deletedChanges"]!.AsArray());
        await _depot.InjectFaultsAsync();
        await AssertServerCleanAsync(jobId);
    }

    [Fact]
    public async Task Key_ServerKeyReplaced_JobRefusedWithTrustAndAudited()
    {
        await _depot.RunAsync("sslkey", "-r");

        var jobId = await StartAsync(new JsonObject { ["changes"] = "3" });
        var job = await _orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);

        Assert.Equal("Faulted", job.Str("status"));
        Assert.Equal("TRUST", job["fault"]!.Str("errorClass"));
        await Eventually.Until(() => File.ReadAllTextAsync(Path.Combine(_home, "logs", "audit.jsonl")), a => a.Contains("P4_TRUST_REFUSED", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the refused key in the audit log");
        // Nothing was sent to the impostor: no change on rel, no client made.
        Assert.DoesNotContain("p4flow", await _depot.RunAsync("changes", "//depot/rel/..."), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integrate_SessionExpiresMidJob_CheckedAndRunAgainAndTheJobFinishes()
    {
        // The server answers the integrate once with an expired session (as a ticket that ran out would).
        await _depot.InjectFaultsAsync(new JsonObject { ["kind"] = "session-expired", ["commands"] = new JsonArray("integrate"), ["times"] = 1 });

        var jobId = await StartAsync(new JsonObject { ["changes"] = "3" });
        var job = await WaitForCleanupAsync(jobId);

        Assert.True(job.Str("status") == "Finished", job.ToJsonString());
        var commands = (await File.ReadAllLinesAsync(Path.Combine(_home, "logs", "commands.jsonl")))
            .Select(l => JsonNode.Parse(l)!).Where(l => l.Str("job_id") == jobId).Select(l => l["metadata"]!.Str("command")).ToList();
        Assert.Equal(2, commands.Count(c => c == "p4 integrate"));
    }

    [Fact]
    public async Task Login_WrongPassword_JobFailsWithAuthAfterOneAttemptAndItIsAudited()
    {
        await File.WriteAllTextAsync(PasswordFile, "not-the-password\n");

        var jobId = await StartAsync(new JsonObject { ["changes"] = "3" });
        var job = await _orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);

        Assert.Equal("Faulted", job.Str("status"));
        Assert.Equal("AUTH", job["fault"]!.Str("errorClass"));
        Assert.Contains("p4 login as p4flow on 'secured' failed", job["fault"]!.Str("message"), StringComparison.Ordinal);
        // One wrong password reached the server for the job (its cleanup, under its own id, waits out the minute).
        var audit = await Eventually.Until(() => File.ReadAllLinesAsync(Path.Combine(_home, "logs", "audit.jsonl")),
            lines => lines.Any(l => l.Contains("P4_LOGIN_FAILED", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the failed login in the audit log");
        Assert.Single(audit, l => l.Contains("P4_LOGIN_FAILED", StringComparison.Ordinal) && l.Contains($"\"{jobId}\"", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, l => l.Contains("not-the-password", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("server", "nowhere", "input.server")]
    [InlineData("changes", "42,40", "input.changes")]
    [InlineData("changes", "@42", "input.changes")]
    [InlineData("p4port", "/tmp/elsewhere", "input.p4port")]
    public async Task Start_BadPerforceInput_400NamingTheFieldAndNoJob(string field, string value, string key)
    {
        var input = Input(new JsonObject { [field] = value });

        using var response = await _orchestrator.Client.PostJsonAsync(PerforceOrchestrator.Runs, input);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.True(problem["errors"]?[key] is not null, problem.ToJsonString());
        var jobs = await _orchestrator.Client.GetJsonAsync("/api/jobs");
        Assert.Equal(0, jobs["total"]!.GetValue<int>());
    }

    private static JsonObject Input(JsonObject extra)
    {
        var input = new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["server"] = Server, ["description"] = "Integrate main to rel" };
        foreach (var (key, value) in extra) input[key] = value?.DeepClone();
        return input;
    }

    private async Task<string> StartAsync(JsonObject extra)
    {
        using var response = await _orchestrator.Client.PostJsonAsync(PerforceOrchestrator.Runs, Input(extra));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).Str("jobId");
    }

    /// <summary>The ended job once its server cleanup is recorded as done.</summary>
    private Task<JsonNode> WaitForCleanupAsync(string jobId) =>
        _orchestrator.Client.WaitForJobAsync(jobId, j => j["cleanup"]?.Str("status") == "DONE", "to end and be cleaned up", seconds: 300);

    /// <summary>What issue-level "nothing left behind" means: no opened file, no pending change, no client of the job.</summary>
    private async Task AssertServerCleanAsync(string jobId)
    {
        Assert.Equal("File(s) not opened anywhere.", (await _depot.RunAsync("opened", "-a")).Trim());
        Assert.Equal("", (await _depot.RunAsync("changes", "-s", "pending")).Trim());
        Assert.DoesNotContain("p4flow-" + jobId, await _depot.RunAsync("clients"), StringComparison.Ordinal);
    }

    /// <summary>Every file P4Flow wrote (orchestrator home: data, logs, journal, audit; the agent's state and workspaces).</summary>
    private void AssertPasswordNowhere()
    {
        var holding = SecretScan.FilesHolding(_home, Password);
        Assert.True(holding.Count == 0, "The password is in: " + string.Join(", ", holding));
        Assert.DoesNotContain(Password, _orchestrator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _agent.Output, StringComparison.Ordinal);
        Assert.True(Directory.EnumerateFiles(_home, "*", SearchOption.AllDirectories).Count() > 5, "the grep looked at P4Flow's files");
    }
}
