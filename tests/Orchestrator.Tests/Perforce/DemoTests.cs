using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// The README's first command, as a new user meets it: the demo's simulated depot insists on tickets (security level
/// 3), P4Flow logs in with the password the demo made, and the person resolving the conflict follows the log's hint.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_SecuredDepot_JobLogsInStopsForTheConflictAndFinishesAfterTheHint()
    {
        var home = OrchestratorProcess.CreateHome();
        await using var demo = OrchestratorProcess.Start(home, arguments: ["demo"]);
        await demo.WaitReadyAsync();
        var jobId = (await Eventually.Until(() => demo.Client.GetJsonAsync("/api/jobs"), j => j["total"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(120), "the demo's job"))["items"]![0]!.Str("id");
        await demo.Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to stop for the conflict", seconds: 300);

        // The person who started it is told, in the file the log says to watch, at the Email of their Perforce user spec.
        Assert.Contains("tail -f data/notifications.jsonl", demo.Output, StringComparison.Ordinal);
        // The log sends the person to the job's page, where the conflict is settled (the browser tests do that).
        Assert.Contains($"Settle it in the Studio: {demo.BaseUrl}/jobs/{jobId} (Conflicts to settle)", demo.Output, StringComparison.Ordinal);
        var sink = Path.Combine(home, "data", "notifications.jsonl");
        var parked = await Eventually.Until(() => NotificationsAsync(sink), n => n.Any(m => m.Str("event") == "needs_resolve"), TimeSpan.FromSeconds(120), "the NEEDS_RESOLVE notification");
        var told = parked.Single(m => m.Str("event") == "needs_resolve");
        Assert.Equal([DemoEmail], told["to"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains("conflict.c (conflict)", told.Str("text"), StringComparison.Ordinal);
        Assert.Contains($"{demo.BaseUrl}/jobs/{jobId}", told.Str("text"), StringComparison.Ordinal);

        var depot = Path.Combine(home, "data", "demo-depot");
        var passwordFile = Path.Combine(home, "data", "demo-p4-password");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
        var person = Directory.CreateTempSubdirectory("p4flow-demo-person-").FullName;
        try
        {
            // Without a ticket the depot refuses anyone, as a production server at security level 3 does.
            var refused = await P4Async(person, person, depot, null, "-u", "demo", "changes", "-m", "1");
            Assert.Contains("Perforce password (P4PASSWD) invalid or unset.", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("demo's password is in data/demo-p4-password", demo.Output, StringComparison.Ordinal);

            // The hint: log in with that password, then resolve in the job's workspace.
            var workspace = Path.Combine(home, "data", "workspaces", jobId);
            Assert.Equal(0, (await P4Async(person, person, depot, await File.ReadAllTextAsync(passwordFile), "-u", "demo", "login")).ExitCode);
            var resolved = await P4Async(person, workspace, depot, null, "-u", "demo", "-c", "p4flow-" + jobId, "resolve", "-at");
            Assert.True(resolved.ExitCode == 0, resolved.Output);
        }
        finally
        {
            Directory.Delete(person, recursive: true);
        }
        (await demo.Client.PostJsonAsync($"/api/jobs/{jobId}/continue", null)).EnsureSuccessStatusCode();
        var job = await demo.Client.WaitForJobAsync(jobId, j => j["cleanup"]?.Str("status") == "DONE", "to finish and be cleaned up", seconds: 300);

        Assert.True(job.Str("status") == "Finished", job.ToJsonString());
        Assert.Equal("demo", job["cleanup"]!.Str("server"));
        await Eventually.Until(() => NotificationsAsync(sink), n => n.Any(m => m.Str("event") == "completed"), TimeSpan.FromSeconds(120), "the completion notification");
        var password = (await File.ReadAllTextAsync(passwordFile)).Trim();
        var holding = SecretScan.FilesHolding(home, password, except: passwordFile);
        Assert.True(holding.Count == 0, "The demo's p4 password is in: " + string.Join(", ", holding));
        Assert.DoesNotContain(password, demo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_OrchestratorKilled_ItsAgentEndsToo()
    {
        var home = OrchestratorProcess.CreateHome();
        // The demo as the README runs it from a clone: the repository's own config/master.yaml, which must start as it is.
        File.Copy(Path.Combine(OrchestratorBuild.RepositoryRoot, "config", "master.yaml"), Path.Combine(home, "config", "master.yaml"), overwrite: true);
        try
        {
            // Its commands on its own agent process.
            await using var demo = OrchestratorProcess.Start(home, environment: new Dictionary<string, string> { ["P4FLOW_commands__runner"] = "agents" }, arguments: ["demo"]);
            await demo.WaitReadyAsync();
            var started = await Eventually.Until(() => Task.FromResult(System.Text.RegularExpressions.Regex.Match(demo.Output, @"Demo agent \S+ started \(pid (\d+)\)")),
                m => m.Success, TimeSpan.FromSeconds(120), "the demo's agent to start");
            var agentPid = int.Parse(started.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Alive(agentPid));

            // However the orchestrator ends: a restarted demo must not find the old agent holding its identity.
            await demo.KillAsync();

            await Eventually.Until(() => Task.FromResult(Alive(agentPid)), alive => !alive, TimeSpan.FromSeconds(120), "the demo's agent to end with its orchestrator");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>Running: a zombie waiting for whoever adopted it to reap it has ended.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The address the demo gives its user in the depot's user spec.</summary>
    private const string DemoEmail = "demo@localhost";

    private static async Task<List<JsonNode>> NotificationsAsync(string sink) =>
        File.Exists(sink) ? [.. (await File.ReadAllLinesAsync(sink)).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)] : [];

    /// <summary>p4 as a person at the terminal: their own HOME (and so their own tickets file) in <paramref name="person"/>.</summary>
    private static Task<ProgramResult> P4Async(string person, string folder, string depot, string? stdin, params string[] args) =>
        ProgramRun.RunAsync(SimDepot.Launcher, ["-p", depot, .. args], folder, stdin, environment: new Dictionary<string, string> { ["HOME"] = person, ["P4CONFIG"] = "" });
}
