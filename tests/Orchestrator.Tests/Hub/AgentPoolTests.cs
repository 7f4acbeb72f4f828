using Grpc.Core;
using P4Flow.Protocol.Certificates;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>Health checks and the bounded pool, with agents the test plays over real streams.</summary>
public sealed class AgentPoolTests
{
    [Fact]
    public async Task Ping_AgentStopsAnswering_MarkedTimeoutAfterThreeMisses()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1", "agent-2"], settings: new Dictionary<string, string?>
        {
            // Short enough to see three misses soon, long enough that the live agent's answer is never late on a busy machine.
            ["agents:ping_interval"] = "0.5",
            ["agents:pong_timeout"] = "3",
        });
        using var ca = CertificateFiles.Load(hub.Tls.CaFile);
        using var silentCert = FakeAgent.Certificate(hub, "agent-1");
        using var liveCert = FakeAgent.Certificate(hub, "agent-2");
        await using var silent = await FakeAgent.ConnectAsync(hub.Address, silentCert, ca, answerPings: false);
        await using var live = await FakeAgent.ConnectAsync(hub.Address, liveCert, ca, answerPings: true);

        await hub.WaitForAgentAsync("agent-1", a => a.State == "TIMEOUT", "the silent agent to be marked TIMEOUT");
        await live.NextAsync(HubMessage.BodyOneofCase.Ping);
        await live.NextAsync(HubMessage.BodyOneofCase.Ping);

        Assert.Equal("HEALTHY", hub.Agent("agent-2")!.State);
        // Answering again brings it back.
        silent.AnswerPings = true;
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "the agent to answer again");
    }

    [Fact]
    public async Task Connect_PoolFull_EvictsLeastRecentlyActiveIdleAgent()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1", "agent-2"], settings: new Dictionary<string, string?> { ["resources:max_agents"] = "1" });
        using var ca = CertificateFiles.Load(hub.Tls.CaFile);
        using var firstCert = FakeAgent.Certificate(hub, "agent-1");
        using var secondCert = FakeAgent.Certificate(hub, "agent-2");
        await using var first = await FakeAgent.ConnectAsync(hub.Address, firstCert, ca);
        await first.NextAsync(HubMessage.BodyOneofCase.SyncOk);

        await using var second = await FakeAgent.ConnectAsync(hub.Address, secondCert, ca);
        await second.NextAsync(HubMessage.BodyOneofCase.SyncOk);
        var goodbye = await first.NextAsync(HubMessage.BodyOneofCase.Goodbye);

        Assert.Contains("evicted", goodbye.Goodbye.Reason, StringComparison.Ordinal);
        Assert.Equal("DISCONNECTED", hub.Agent("agent-1")!.State);
        Assert.Equal("HEALTHY", hub.Agent("agent-2")!.State);
        await hub.WaitForAuditAsync(l => l["event_type"]!.GetValue<string>() == "AGENT_EVICTED" && l["agent_id"]!.GetValue<string>() == "agent-1", "the eviction in the audit log");
    }

    [Fact]
    public async Task Connect_PoolFullEveryAgentBusy_RefusedWithResourceExhausted()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1", "agent-2"], settings: new Dictionary<string, string?> { ["resources:max_agents"] = "1" });
        using var ca = CertificateFiles.Load(hub.Tls.CaFile);
        using var busyCert = FakeAgent.Certificate(hub, "agent-1");
        using var lateCert = FakeAgent.Certificate(hub, "agent-2");
        await using var busy = await FakeAgent.ConnectAsync(hub.Address, busyCert, ca);
        await busy.NextAsync(HubMessage.BodyOneofCase.SyncOk);
        _ = hub.Dispatcher.RunAsync(HubHost.Request("job-busy", "/bin/sleep", "30"), CancellationToken.None);
        await busy.NextAsync(HubMessage.BodyOneofCase.Command);

        await using var late = await FakeAgent.ConnectAsync(hub.Address, lateCert, ca);
        var ended = await late.EndAsync();

        var refused = Assert.IsType<RpcException>(ended);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("resources.max_agents", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("HEALTHY", hub.Agent("agent-1")!.State);
        await hub.WaitForAuditAsync(l => l["event_type"]!.GetValue<string>() == "AGENT_REJECTED" && l["agent_id"]!.GetValue<string>() == "agent-2", "the refusal in the audit log");
    }

    [Fact]
    public async Task TryAssign_SeveralAgents_PicksHealthyAgentMeetingRequirementsWithLowestLoad()
    {
        await using var hub = await HubHost.StartAsync(agents: ["gitter", "busy", "idle"]);
        using var ca = CertificateFiles.Load(hub.Tls.CaFile);
        using var gitCert = FakeAgent.Certificate(hub, "gitter");
        using var busyCert = FakeAgent.Certificate(hub, "busy");
        using var idleCert = FakeAgent.Certificate(hub, "idle");
        await using var gitter = await FakeAgent.ConnectAsync(hub.Address, gitCert, ca, capabilities: ["git"]);
        await using var busy = await FakeAgent.ConnectAsync(hub.Address, busyCert, ca, capabilities: ["p4", "git"]);
        await using var idle = await FakeAgent.ConnectAsync(hub.Address, idleCert, ca, capabilities: ["p4"]);
        foreach (var agent in new[] { gitter, busy, idle }) await agent.NextAsync(HubMessage.BodyOneofCase.SyncOk);
        await busy.SendAsync(new AgentMessage { Load = new LoadReport { Load = 3, MaxConcurrent = 4 } });
        await hub.WaitForAgentAsync("busy", a => a.Load == 3, "the load report");

        var p4 = hub.Registry.TryAssign("job-p4", new P4Flow.Orchestrator.Hub.AgentRequirements(["p4"], []));
        var git = hub.Registry.TryAssign("job-git", new P4Flow.Orchestrator.Hub.AgentRequirements(["git", "p4"], []));
        var none = hub.Registry.TryAssign("job-svn", new P4Flow.Orchestrator.Hub.AgentRequirements(["svn"], []));

        Assert.Equal("idle", p4);
        Assert.Equal("busy", git);
        Assert.Null(none);
    }
}
