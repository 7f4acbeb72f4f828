using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Incidents;

/// <summary>
/// P4_SERVER_DOWN on a real orchestrator with a real agent and simulated servers taken down and brought back: a server
/// with a backup is switched to it, one without has its new jobs held in QUEUED, and both come back by themselves.
/// </summary>
public sealed class P4ServerDownTests
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task ServerDown_WithBackupJobsGoOnThere_WithoutOneNewJobsWait_BothComeBackWhenTheServerAnswers()
    {
        var changed = Base.Replace("two", "TWO", StringComparison.Ordinal);
        // Two servers with the same history: a primary and its standby. A third has no standby.
        var primary = await SimDepot.CreateWithChangeOnMainAsync(Base, changed);
        var backup = await SimDepot.CreateWithChangeOnMainAsync(Base, changed);
        var solo = await SimDepot.CreateWithChangeOnMainAsync(Base, changed);
        var (home, hubPort) = AgentPipelineTests.PrepareHome("builder");
        await using var orchestrator = await AgentPipelineTests.StartOrchestratorAsync(home, hubPort,
            ("P4FLOW_perforce__servers__main__port", primary.Root),
            ("P4FLOW_perforce__servers__main__backup_port", backup.Root),
            ("P4FLOW_perforce__servers__main__user", "p4flow"),
            ("P4FLOW_perforce__servers__solo__port", solo.Root),
            ("P4FLOW_perforce__servers__solo__user", "p4flow"),
            ("P4FLOW_perforce__default_server", "main"),
            ("P4FLOW_perforce__recovery_check_interval", "1"),
            ("P4FLOW_state_management__resolve_check_interval", "3600"));
        await using var agent = AgentProcess.Start(home, hubPort, "builder");
        await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/agents"), a => a.AsArray().Any(x => x!.Str("state") == "HEALTHY"), TimeSpan.FromSeconds(60), "the agent to connect");

        // main goes down: the job's commands reach the standby, and the playbook switches main to it.
        await primary.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable" });
        var onBackup = await orchestrator.Client.WaitForJobAsync(await StartAsync(orchestrator, "main"), j => j.Str("status") is "Finished" or "Faulted", "to finish on the backup", seconds: 180);
        Assert.True(onBackup.Str("status") == "Finished", onBackup.ToJsonString());
        Assert.Equal(changed, await backup.RunAsync("print", "-q", "//depot/rel/a.txt"));
        var switched = await IncidentAsync(orchestrator, "main", "open");
        Assert.Equal(["detect", "verify_connection", "switch_to_backup", "pause_jobs"], Steps(switched).Select(s => s.Str("step")));
        Assert.Equal(["done", "done", "done", "skipped"], Steps(switched).Select(s => s.Str("outcome")));
        Assert.Contains(backup.Root, Steps(switched)[2].Str("detail"), StringComparison.Ordinal);
        var switchSeconds = (Steps(switched)[2]["at"]!.GetValue<DateTimeOffset>() - Steps(switched)[0]["at"]!.GetValue<DateTimeOffset>()).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"P4_SERVER_DOWN: {switchSeconds:0.000} s from the first unreachable command to the switch to the backup"));

        // solo goes down with no standby: once the playbook holds it, a new job for it waits in QUEUED; main's jobs do not.
        await solo.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable" });
        await StartAsync(orchestrator, "solo");
        var held = await IncidentAsync(orchestrator, "solo", "open");
        Assert.Equal(["done", "done", "skipped", "done"], Steps(held).Select(s => s.Str("outcome")));
        var waiting = await StartAsync(orchestrator, "solo");
        var queued = await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/admission"),
            a => a["waiting"]!.AsArray().Any(w => w!.Str("jobId") == waiting && w!.Str("reason").StartsWith("Perforce server solo is down", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the solo job to wait for its server");
        Assert.Equal("QUEUED", (await orchestrator.Client.GetJsonAsync($"/api/jobs/{waiting}")).Str("stage"));

        // Both come back: main's commands go to main again, solo's held job runs.
        await primary.InjectFaultsAsync();
        await solo.InjectFaultsAsync();
        var mainBack = await IncidentAsync(orchestrator, "main", "recovered");
        Assert.Equal("wait_for_recovery", Steps(mainBack)[^1].Str("step"));
        var ranOnSolo = await orchestrator.Client.WaitForJobAsync(waiting, j => j.Str("status") is "Finished" or "Faulted", "to run once solo answers", seconds: 180);
        Assert.True(ranOnSolo.Str("status") == "Finished", ranOnSolo.ToJsonString());
        await IncidentAsync(orchestrator, "solo", "recovered");
        Assert.Equal(changed, await solo.RunAsync("print", "-q", "//depot/rel/a.txt"));

        var onPrimary = await orchestrator.Client.WaitForJobAsync(await StartAsync(orchestrator, "main"), j => j.Str("status") is "Finished" or "Faulted", "to finish on main itself", seconds: 180);
        Assert.True(onPrimary.Str("status") == "Finished", onPrimary.ToJsonString());
        Assert.Equal(changed, await primary.RunAsync("print", "-q", "//depot/rel/a.txt"));
    }

    private static async Task<string> StartAsync(OrchestratorProcess orchestrator, string server)
    {
        using var start = await orchestrator.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs",
            new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["server"] = server });
        start.EnsureSuccessStatusCode();
        return (await start.ReadJsonAsync()).Str("jobId");
    }

    private static async Task<JsonNode> IncidentAsync(OrchestratorProcess orchestrator, string server, string outcome)
    {
        var incidents = await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/incidents?playbook=P4_SERVER_DOWN"),
            i => i.AsArray().Any(x => x!.Str("summary").StartsWith($"Perforce server {server} ", StringComparison.Ordinal) && x!.Str("outcome") == outcome),
            TimeSpan.FromSeconds(120), $"a P4_SERVER_DOWN incident for {server} that is {outcome}");
        return incidents.AsArray().First(x => x!.Str("summary").StartsWith($"Perforce server {server} ", StringComparison.Ordinal))!;
    }

    private static List<JsonNode> Steps(JsonNode incident) => [.. incident["steps"]!.AsArray().Select(s => s!)];
}
