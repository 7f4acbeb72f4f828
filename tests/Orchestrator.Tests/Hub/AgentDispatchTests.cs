using System.Collections.Concurrent;
using P4Flow.Activities.Commands;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>Commands through the hub to a real agent process: results, reconnection without a second run, the agent's cache, loss.</summary>
public sealed class AgentDispatchTests
{
    [Fact]
    public async Task RunAsync_AgentConnected_RunsCommandStreamsOutputAndRecordsResult()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        var chunks = new ConcurrentQueue<string>();
        hub.Registry.OutputReceived += (_, output) => chunks.Enqueue(output.Data);
        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1");
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");

        var request = new CommandRequest("job-1", "SYNC", ["/bin/sh", "-c", "echo out; echo err >&2; cat; exit 3"], new Dictionary<string, string>(), TimeSpan.FromSeconds(30), Stdin: "Root: $WORKDIR\n");
        var result = await hub.Dispatcher.RunAsync(request, CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"out\nRoot: {Path.Combine(agent.Workspace, "job-1")}\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        Assert.True(result.CmdId > 0);
        Assert.Contains("out\n", string.Concat(chunks), StringComparison.Ordinal);
        var view = hub.Agent("agent-1")!;
        Assert.Equal(1, view.CommandsSent);
        Assert.Equal(0, view.CommandsInFlight);
        Assert.True(view.BytesSent > 0 && view.BytesReceived > 0);
        Assert.Equal("agent-1", hub.Registry.AgentOf("job-1"));
    }

    [Fact]
    public async Task RunAsync_LaterCommandsOfAJob_GoToTheSameAgentWithGrowingCmdIds()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1", "agent-2"]);
        await using var one = AgentProcess.Start(hub.Dir, hub.Port, "agent-1");
        await using var two = AgentProcess.Start(hub.Dir, hub.Port, "agent-2");
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1");
        await hub.WaitForAgentAsync("agent-2", a => a.State == "HEALTHY", "agent-2");

        var first = await hub.Dispatcher.RunAsync(HubHost.Request("job-a", "/bin/echo", "1"), CancellationToken.None);
        var agent = hub.Registry.AgentOf("job-a");
        var second = await hub.Dispatcher.RunAsync(HubHost.Request("job-a", "/bin/echo", "2"), CancellationToken.None);
        var other = await hub.Dispatcher.RunAsync(HubHost.Request("job-b", "/bin/echo", "3"), CancellationToken.None);

        Assert.Equal(agent, hub.Registry.AgentOf("job-a"));
        Assert.True(second.CmdId > first.CmdId);
        Assert.NotEqual(agent, hub.Registry.AgentOf("job-b")); // the less loaded agent takes the new job
        Assert.Equal("3\n", other.Stdout);
    }

    [Fact]
    public async Task KillHub_MidCommand_AgentReconnectsAndCommandRunsOnce()
    {
        var dir = HubHost.NewDir();
        var counter = Path.Combine(dir, "runs.txt");
        var request = HubHost.Request("job-k", "/bin/sh", "-c", $"echo run >> {counter}; sleep 3; echo finished");
        var first = await HubHost.StartAsync(dir, agents: ["agent-1"]);
        var port = first.Port;
        await using var agent = AgentProcess.Start(dir, port, "agent-1");
        await first.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        _ = first.Dispatcher.RunAsync(request, CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(File.Exists(counter)), e => e, TimeSpan.FromSeconds(120), "the command to start");

        await first.DisposeAsync();
        await using var second = await HubHost.StartAsync(dir, port);
        // What a recovered job does: it asks for the same command again.
        var result = await second.Dispatcher.RunAsync(request, CancellationToken.None);

        Assert.Equal("finished\n", result.Stdout);
        Assert.Single(await File.ReadAllLinesAsync(counter));
        Assert.Equal("HEALTHY", second.Agent("agent-1")!.State);
    }

    [Fact]
    public async Task RestartAgent_MidCommand_CacheAnswersAlreadyDone()
    {
        var dir = HubHost.NewDir();
        var counter = Path.Combine(dir, "runs.txt");
        var request = HubHost.Request("job-r", "/bin/sh", "-c", $"echo run >> {counter}; sleep 3; echo finished");
        var first = await HubHost.StartAsync(dir, agents: ["agent-1"]);
        var port = first.Port;
        await using var agent = AgentProcess.Start(dir, port, "agent-1");
        await first.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        _ = first.Dispatcher.RunAsync(request, CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(File.Exists(counter)), e => e, TimeSpan.FromSeconds(120), "the command to start");

        // The hub goes away, then the agent is restarted: it drains (the command ends and is cached, undelivered).
        await first.DisposeAsync();
        await agent.StopAsync();
        await agent.DisposeAsync();
        await using var restarted = AgentProcess.Start(dir, port, "agent-1", stateDir: agent.StateDir);
        await using var second = await HubHost.StartAsync(dir, port);
        var result = await second.Dispatcher.RunAsync(request, CancellationToken.None);

        Assert.Equal("finished\n", result.Stdout);
        Assert.True((await File.ReadAllLinesAsync(counter)).Length == 1, $"ran twice; first agent:\n{agent.Output}\nrestarted agent:\n{restarted.Output}\njournal:\n{await File.ReadAllTextAsync(Path.Combine(dir, "journal.jsonl"))}\nresult {result}");
        await Eventually.Until(() => Task.FromResult(restarted.Output), o => o.Contains("answering from the result cache", StringComparison.Ordinal), TimeSpan.FromSeconds(120), "the restarted agent to answer from its cache");
    }

    [Fact]
    public async Task KillAgent_MidCommandThenRestarted_FailsAgentLostAndNeverRunsItTwice()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        var counter = Path.Combine(hub.Dir, "runs.txt");
        var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1");
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        var run = hub.Dispatcher.RunAsync(HubHost.Request("job-k", "/bin/sh", "-c", $"echo run >> {counter}; sleep 30"), CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(File.Exists(counter)), e => e, TimeSpan.FromSeconds(120), "the command to start");

        // kill -9: the agent recorded that it started the command, never its result.
        await agent.KillAsync();
        await agent.DisposeAsync();
        await using var restarted = AgentProcess.Start(hub.Dir, hub.Port, "agent-1", stateDir: agent.StateDir);
        var lost = await Assert.ThrowsAsync<AgentUnavailableException>(() => run.WaitAsync(TimeSpan.FromSeconds(120)));

        Assert.Equal("AGENT_LOST", lost.ErrorClass);
        Assert.Contains("ended while cmd", lost.Message, StringComparison.Ordinal);
        Assert.Contains("not run twice", lost.Message, StringComparison.Ordinal);
        Assert.Single(await File.ReadAllLinesAsync(counter));
    }

    [Fact]
    public async Task RunAsync_AgentKilledLongerThanGrace_FailsWithAgentLost()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"], settings: new Dictionary<string, string?> { ["agents:lost_grace"] = "1" });
        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1");
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        var run = hub.Dispatcher.RunAsync(HubHost.Request("job-l", "/bin/sleep", "30"), CancellationToken.None);
        await hub.WaitForAgentAsync("agent-1", a => a.CommandsInFlight == 1, "the command to be sent");

        await agent.DisposeAsync();
        var lost = await Assert.ThrowsAsync<AgentUnavailableException>(() => run.WaitAsync(TimeSpan.FromSeconds(120)));

        Assert.Equal("AGENT_LOST", lost.ErrorClass);
        Assert.Contains("agents.lost_grace", lost.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoAgentMeetsRequirements_WaitsUntilOneConnects()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        var run = hub.Dispatcher.RunAsync(HubHost.Request("job-w", "/bin/echo", "late"), CancellationToken.None);
        Assert.False(run.IsCompleted);
        Assert.Null(hub.Registry.AgentOf("job-w"));

        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal("late\n", result.Stdout);
    }

    [Fact]
    public async Task RunAsync_NoAgentWithinWaitTimeout_FailsWithNoAgent()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"], settings: new Dictionary<string, string?> { ["agents:wait_timeout"] = "0.5" });

        var failed = await Assert.ThrowsAsync<AgentUnavailableException>(() => hub.Dispatcher.RunAsync(HubHost.Request("job-n", "/bin/true"), CancellationToken.None));

        Assert.Equal("NO_AGENT", failed.ErrorClass);
        Assert.Contains("agents.wait_timeout", failed.Message, StringComparison.Ordinal);
    }
}
