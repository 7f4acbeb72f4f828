using System.Text.Json.Nodes;

namespace P4Flow.Cli.Tests;

/// <summary>A real orchestrator (commands run in-process) for the command line to talk to.</summary>
public sealed class OrchestratorFixture : IAsyncLifetime
{
    public OrchestratorProcess Orchestrator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Orchestrator = OrchestratorProcess.StartInNewHome();
        await Orchestrator.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await Orchestrator.DisposeAsync();
}

/// <summary>`p4flow` against a running orchestrator: sign-in kinds, exit codes, --json, the job and workflow commands.</summary>
public sealed class CommandLineTests(OrchestratorFixture fixture) : IClassFixture<OrchestratorFixture>, IDisposable
{
    private readonly CliProgram _cli = new(Path.Combine(Path.GetTempPath(), "p4flow-cli-" + Guid.NewGuid().ToString("N")[..8]));

    private OrchestratorProcess Orchestrator => fixture.Orchestrator;

    [Fact]
    public async Task Login_WithPassword_KeepsOnlyTheTokenAndAnExpiredOneAsksForLoginAgain()
    {
        var password = ApiKeys.AdminPassword(Orchestrator.Home);

        var wrong = await _cli.WithAsync("not-the-password\n", null, "login", "--server", Orchestrator.BaseUrl, "--user", "admin", "--password-stdin");
        Assert.True(wrong.ExitCode == ExitCodes.Unauthorized, wrong.Output);
        Assert.False(File.Exists(_cli.CredentialsFile), "nothing kept after a refused sign-in");

        var login = await _cli.WithAsync(password + "\n", null, "login", "--server", Orchestrator.BaseUrl, "--user", "admin", "--password-stdin");
        Assert.True(login.ExitCode == 0, login.Output);
        Assert.Contains("Signed in to", login.Stdout, StringComparison.Ordinal);
        var stored = await File.ReadAllTextAsync(_cli.CredentialsFile);
        Assert.DoesNotContain(password, stored, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.CredentialsFile));
        var me = JsonNode.Parse((await _cli.CheckedAsync("whoami", "--json")).Stdout)!;
        Assert.Equal(("admin", "admin", "token"), (me["name"]!.ToString(), me["role"]!.ToString(), me["via"]!.ToString()));

        var expired = JsonNode.Parse(stored)!;
        expired["expiresAt"] = DateTime.UtcNow.AddMinutes(-1);
        await File.WriteAllTextAsync(_cli.CredentialsFile, expired.ToJsonString());
        var after = await _cli.RunAsync("jobs", "list");
        Assert.True(after.ExitCode == ExitCodes.Unauthorized, after.Output);
        Assert.Contains("expired", after.Stderr, StringComparison.Ordinal);
        Assert.Contains("p4flow login", after.Stderr, StringComparison.Ordinal);

        // The environment takes the stored profile's place (scripts, CI); a revoked or wrong key is a 401, exit 5.
        var bad = await _cli.WithAsync(null, new Dictionary<string, string> { ["P4FLOW_API_KEY"] = "p4f_wrong" }, "jobs", "list");
        Assert.True(bad.ExitCode == ExitCodes.Unauthorized, bad.Output);
    }

    [Fact]
    public async Task Jobs_WaitTimesOutCancelRetryAndWrongState_EachWithItsExitCode()
    {
        await LoginWithKeyAsync();

        // hello-p4flow waits for a signal: --wait gives up at --timeout (8), the job goes on.
        var waited = await _cli.RunAsync("run", "hello-p4flow", "-i", "greeting=hi", "--wait", "--interval", "0.2", "--timeout", "2");
        Assert.True(waited.ExitCode == ExitCodes.TimedOut, waited.Output);
        Assert.Contains("is still NEEDS_APPROVAL after 2 s", waited.Stderr, StringComparison.Ordinal);
        // Each stage it entered, on a line of its own as it happened.
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  PREPARE\s*$[\s\S]*^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  NEEDS_APPROVAL", waited.Stdout);
        var jobId = System.Text.RegularExpressions.Regex.Match(waited.Stdout, "^Started (\\S+):", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value;
        var shown = JsonNode.Parse((await _cli.CheckedAsync("jobs", "show", jobId, "--json")).Stdout)!;
        Assert.Equal("hi", shown["input"]!["greeting"]!.ToString());
        Assert.Equal("NEEDS_APPROVAL", shown["stage"]!.ToString());

        // Continue is for NEEDS_RESOLVE only: the server's 409, plainly, exit 6.
        var wrongState = await _cli.RunAsync("jobs", "continue", jobId);
        Assert.True(wrongState.ExitCode == ExitCodes.Rejected, wrongState.Output);
        Assert.Contains("NEEDS_RESOLVE", wrongState.Stderr, StringComparison.Ordinal);

        var retried = JsonNode.Parse((await _cli.CheckedAsync("jobs", "retry", jobId, "--json")).Stdout)!["jobId"]!.ToString();
        Assert.NotEqual(jobId, retried);
        Assert.Equal("hi", JsonNode.Parse((await _cli.CheckedAsync("jobs", "show", retried, "--json")).Stdout)!["input"]!["greeting"]!.ToString());

        foreach (var id in new[] { jobId, retried }) await _cli.CheckedAsync("jobs", "cancel", id, "--reason", "not needed");
        var cancelled = await _cli.RunAsync("jobs", "show", jobId);
        Assert.True(cancelled.ExitCode == ExitCodes.Cancelled, cancelled.Output);
        Assert.Contains("Cancelled", cancelled.Stdout, StringComparison.Ordinal);
        var watched = await _cli.RunAsync("jobs", "watch", retried, "--json");
        Assert.Equal(ExitCodes.Cancelled, watched.ExitCode);
        Assert.Equal("Cancelled", JsonNode.Parse(watched.Stdout)!["status"]!.ToString());

        var listed = await _cli.CheckedAsync("jobs", "list", "--status", "Cancelled");
        Assert.Contains(jobId, listed.Stdout, StringComparison.Ordinal);
        var badStatus = await _cli.RunAsync("jobs", "list", "--status", "Sleeping");
        Assert.True(badStatus.ExitCode == ExitCodes.Rejected && badStatus.Stderr.Contains("status must be one of", StringComparison.Ordinal), badStatus.Output);
        var missing = await _cli.RunAsync("jobs", "show", "no-such-job");
        Assert.True(missing.ExitCode == ExitCodes.Rejected && missing.Stderr.Contains("does not exist", StringComparison.Ordinal), missing.Output);
    }

    [Fact]
    public async Task Workflows_ExportImportPublish_NewVersionPublished()
    {
        await LoginWithKeyAsync();
        var file = Path.Combine(_cli.ConfigHome, "hello.json");
        Directory.CreateDirectory(_cli.ConfigHome);

        await _cli.CheckedAsync("workflows", "export", "hello-p4flow", "-o", file);
        var exported = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        Assert.Equal("hello-p4flow", exported["definitionId"]!.ToString());
        exported["isPublished"] = false;
        exported["name"] = "Hello again";
        await File.WriteAllTextAsync(file, exported.ToJsonString());

        var imported = JsonNode.Parse((await _cli.CheckedAsync("workflows", "import", file, "--json")).Stdout)!;
        Assert.False(imported["isPublished"]!.GetValue<bool>());
        var published = await _cli.CheckedAsync("workflows", "publish", "hello-p4flow");
        Assert.Contains($"hello-p4flow v{imported["version"]} published", published.Stdout, StringComparison.Ordinal);
        var table = await _cli.CheckedAsync("workflows", "list");
        Assert.Contains("Hello again", table.Stdout, StringComparison.Ordinal);

        await File.WriteAllTextAsync(file, "{ not json");
        var broken = await _cli.RunAsync("workflows", "import", file);
        Assert.True(broken.ExitCode == ExitCodes.Usage && broken.Stderr.Contains("is not JSON", StringComparison.Ordinal), broken.Output);
    }

    [Fact]
    public async Task Admin_PauseStatusResume_SaysWhoAndWhy()
    {
        await LoginWithKeyAsync();
        try
        {
            await _cli.CheckedAsync("admin", "pause", "--reason", "patching the server");
            var status = await _cli.CheckedAsync("admin", "status");
            Assert.Contains("by bootstrap-admin (patching the server); 0 command(s) waiting.", status.Stdout, StringComparison.Ordinal);
            Assert.True(JsonNode.Parse((await _cli.CheckedAsync("admin", "status", "--json")).Stdout)!["paused"]!.GetValue<bool>());
        }
        finally
        {
            await _cli.CheckedAsync("admin", "resume");
        }
        Assert.Contains("Not paused", (await _cli.CheckedAsync("admin", "status")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_AndCompletion_SayWhatHappened()
    {
        var nobody = await _cli.WithAsync(null, new Dictionary<string, string> { ["P4FLOW_SERVER"] = $"http://127.0.0.1:{Loopback.FreePort()}", ["P4FLOW_API_KEY"] = "x" }, "jobs", "list");
        Assert.True(nobody.ExitCode == ExitCodes.Unreachable, nobody.Output);
        Assert.Contains("connection refused", nobody.Stderr, StringComparison.Ordinal);

        var script = await _cli.CheckedAsync("completion", "bash");
        Assert.Contains("complete -o default -F _p4flow_complete p4flow", script.Stdout, StringComparison.Ordinal);
        // What the script asks: the commands that may follow `p4flow jobs `.
        var suggested = await _cli.CheckedAsync("[suggest:12]", "p4flow jobs ");
        Assert.Equal(["cancel", "continue", "list", "retry", "settle", "show", "watch"], suggested.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith('-') && !w.StartsWith('/')).Order(StringComparer.Ordinal));
    }

    private async Task LoginWithKeyAsync()
    {
        var login = await _cli.WithAsync(ApiKeys.Admin(Orchestrator.Home) + "\n", null, "login", "--server", Orchestrator.BaseUrl, "--with-api-key");
        Assert.True(login.ExitCode == 0, login.Output);
    }

    public void Dispose()
    {
        if (Directory.Exists(_cli.ConfigHome)) Directory.Delete(_cli.ConfigHome, recursive: true);
    }
}
