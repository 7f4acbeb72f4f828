using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Tests.Incidents;

/// <summary>
/// AGENT_HANG on a real orchestrator with two real agents and the simulator: the agent holding two jobs is frozen
/// with SIGSTOP mid-integrate. The job it was running starts over on the other agent with a fresh workspace and
/// submits; the job parked for a person stays where it is, and its owner is told; the incident records each step.
/// </summary>
public sealed class AgentHangTests
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task AgentFrozen_ItsRunningJobStartsOverOnAnotherAgent_TheParkedJobStaysAndItsOwnerIsTold()
    {
        var changed = Base.Replace("two", "TWO", StringComparison.Ordinal);
        var clean = await SimDepot.CreateWithChangeOnMainAsync(Base, changed);
        // Each integrate takes 3 s, so the freeze lands while one runs, and that one is over before the playbook acts.
        await clean.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 3000, ["commands"] = new JsonArray("integrate") });
        var conflicted = await SimDepot.CreateDemoAsync();
        var home = OrchestratorProcess.CreateHome();
        var tls = HubHost.Folder(home);
        HubCertificates.EnsureCreated(tls);
        HubCertificates.IssueAgent(tls, "frozen");
        HubCertificates.IssueAgent(tls, "spare");
        await File.WriteAllTextAsync(Path.Combine(home, "config", "agent_whitelist.yaml"), HubHost.Whitelist([("frozen", "127.0.0.0/8"), ("spare", "127.0.0.0/8")]));
        var hubPort = Loopback.FreePort();
        await using var orchestrator = await AgentPipelineTests.StartOrchestratorAsync(home, hubPort,
            // Three pings missed two seconds each: TIMEOUT within seconds, and never for a live agent on a busy machine.
            ("P4FLOW_agents__ping_interval", "0.5"),
            ("P4FLOW_agents__pong_timeout", "2"),
            ("P4FLOW_agents__max_missed_pongs", "3"),
            ("P4FLOW_perforce__user", "p4flow"),
            ("P4FLOW_notifications__channels__log__type", "file"),
            ("P4FLOW_notifications__channels__log__path", Path.Combine(home, "data", "notifications.jsonl")),
            // The jobs name their server by port: no Perforce user to look up an address for.
            ("P4FLOW_notifications__channels__log__people", "false"),
            ("P4FLOW_notifications__events__agent_lost__0", "log"),
            ("P4FLOW_state_management__resolve_check_interval", "3600"));
        await using var frozen = AgentProcess.Start(home, hubPort, "frozen");
        var parked = await AgentPipelineTests.StartIntegrateAsync(orchestrator, conflicted, "Parked for a person");
        await orchestrator.Client.WaitForJobAsync(parked, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);
        var running = await AgentPipelineTests.StartIntegrateAsync(orchestrator, clean, "Moved to another agent");
        await orchestrator.Client.WaitForJobAsync(running, j => j.Str("stage") == "INTEGRATE", "to integrate", seconds: 300);

        await ProgramRun.ShellAsync($"kill -STOP {frozen.Pid.ToString(CultureInfo.InvariantCulture)}");
        try
        {
            await using var spare = AgentProcess.Start(home, hubPort, "spare");
            var job = await orchestrator.Client.WaitForJobAsync(running, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end on the spare agent", seconds: 300);

            Assert.True(job.Str("status") == "Finished", job.ToJsonString());
            Assert.Equal("submitted", job["result"]!.Str("status"));
            Assert.Equal(changed, await clean.RunAsync("print", "-q", "//depot/rel/a.txt"));
            // It went back to waiting for an agent, saying why, then through every stage again.
            var stages = job["history"]!.AsArray().Select(s => (Stage: s!.Str("stage"), Reason: s!["reason"]?.GetValue<string>() ?? "")).ToList();
            var restart = stages.FindIndex(s => s.Stage == AgentCommandDispatcher.WaitingStage && s.Reason.Contains("agent frozen hung", StringComparison.Ordinal));
            Assert.True(restart > 0, string.Join(", ", stages));
            Assert.Equal("SYNC", stages[restart + 1].Stage);
            Assert.Contains(stages.Skip(restart), s => s.Stage == "INTEGRATE");
            // The fresh attempt's commands ran on the spare agent; the submit among them.
            var commands = (await File.ReadAllLinesAsync(Path.Combine(home, "logs", "commands.jsonl")))
                .Select(l => JsonNode.Parse(l)!).Where(l => l.Str("job_id") == running).ToList();
            Assert.Equal("spare", commands.Single(c => c["metadata"]!.Str("command") == "p4 submit").Str("agent_id"));
            Assert.Contains(commands, c => c.Str("agent_id") == "frozen");

            var incident = await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/incidents?playbook=AGENT_HANG"),
                list => list.AsArray().Count == 1, TimeSpan.FromSeconds(60), "the AGENT_HANG incident");
            var recorded = incident.AsArray()[0]!;
            var steps = recorded["steps"]!.AsArray().Select(s => s!).ToList();
            Assert.Equal(["detect", "health_check", "force_disconnect", "reassign_jobs", "restart_over_ssh"], steps.Select(s => s.Str("step")));
            Assert.Equal(["done", "failed", "done", "done", "skipped"], steps.Select(s => s.Str("outcome")));
            Assert.Equal("recovered", recorded.Str("outcome"));
            Assert.Contains(running, steps[3].Str("detail"), StringComparison.Ordinal);
            Assert.Contains(parked, steps[3].Str("detail"), StringComparison.Ordinal);

            // The parked job waits for its person where it was; its owner was told.
            var stillParked = await orchestrator.Client.GetJsonAsync($"/api/jobs/{parked}");
            Assert.Equal("NEEDS_RESOLVE", stillParked.Str("stage"));
            var told = await Eventually.Until(() => orchestrator.Client.GetJsonAsync($"/api/notifications?event=agent_lost&jobId={parked}"),
                page => page["items"]!.AsArray().Count > 0, TimeSpan.FromSeconds(30), "the parked job's owner to be told");
            Assert.Equal("[P4Flow] Agent frozen is lost", told["items"]!.AsArray()[0]!.Str("subject"));
            var delivered = Path.Combine(home, "data", "notifications.jsonl");
            await Eventually.Until(() => Task.FromResult(File.Exists(delivered) ? File.ReadAllText(delivered) : ""),
                text => text.Contains("stays parked", StringComparison.Ordinal) && text.Contains(parked, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the message to say the job stays parked: " + told.ToJsonString());
            Console.WriteLine($"AGENT_HANG: {steps[0].Str("at")} detected, {steps[3].Str("at")} jobs moved; {recorded.Str("summary")}");
        }
        finally
        {
            await ProgramRun.ShellAsync($"kill -CONT {frozen.Pid.ToString(CultureInfo.InvariantCulture)} 2>/dev/null; true");
        }
    }
}
