namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>
/// One agent per identity: a second process on the same state folder refuses to start; a second connection with the
/// same identity is refused while the first answers its pings, audited, and never takes the session from it.
/// </summary>
public sealed class OneAgentPerIdentityTests
{
    [Fact]
    public async Task SecondProcess_SameStateFolder_RefusesToStartNamingTheHolder()
    {
        var dir = HubHost.NewDir();
        await using var hub = await HubHost.StartAsync(dir, agents: ["agent-1"]);
        await using var first = AgentProcess.Start(dir, hub.Port, "agent-1");
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");

        await using var second = AgentProcess.Start(dir, hub.Port, "agent-1", stateDir: first.StateDir);
        var exit = await second.WaitForExitAsync();

        Assert.Equal(3, exit);
        Assert.Contains($"is held by another agent process (pid {first.Pid})", second.Output, StringComparison.Ordinal);
        Assert.False(first.HasExited);
        Assert.Equal("HEALTHY", hub.Agent("agent-1")!.State);
    }

    [Fact]
    public async Task SecondConnection_SameIdentity_RefusedAndAuditedWhileTheFirstAnswers_TakesOverOnceItIsGone()
    {
        var dir = HubHost.NewDir();
        await using var hub = await HubHost.StartAsync(dir, agents: ["agent-1"]);
        var first = AgentProcess.Start(dir, hub.Port, "agent-1");
        await using var _ = first;
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        var since = hub.Agent("agent-1")!.ConnectedSince;

        // Same identity and certificate, another state folder: an operator starting the agent twice on one host.
        await using var second = AgentProcess.Start(dir, hub.Port, "agent-1", stateDir: Path.Combine(dir, "agents", "agent-1", "state-2"));
        await second.WaitForOutputAsync("AlreadyExists", "the second connection to be refused");
        // It keeps trying (every reconnect.max_delay) and keeps being refused: the first session is never taken.
        await Eventually.Until(() => Task.FromResult(Refusals(hub)), n => n >= 3, TimeSpan.FromSeconds(120), "three refusals, audited");
        Assert.Equal(since, hub.Agent("agent-1")!.ConnectedSince);
        Assert.False(first.HasExited);

        // The first one dies: the second is the agent now.
        await first.KillAsync();
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY" && a.ConnectedSince != since, "the second process to take the identity");
    }

    private static int Refusals(HubHost hub) =>
        File.Exists(hub.AuditPath)
            ? File.ReadLines(hub.AuditPath).Count(l => l.Contains("AGENT_REJECTED", StringComparison.Ordinal) && l.Contains("one session per agent identity", StringComparison.Ordinal))
            : 0;
}
