using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>The agent's own /metrics: off by default, served on the configured port when set.</summary>
public sealed class AgentMetricsTests
{
    [Fact]
    public async Task Agent_MetricsPortSet_ServesItsGaugesThere()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        var port = Loopback.FreePort();
        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1", environment: new Dictionary<string, string>
        {
            ["P4FLOW_AGENT_monitoring__metrics_port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var scrape = await Eventually.Until(() => http.GetStringAsync(new Uri("/metrics", UriKind.Relative)), s => s.Contains("p4_agent_commands_running", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the agent's metrics");

        Assert.Contains("p4_agent_max_concurrent_commands", scrape, StringComparison.Ordinal);
        Assert.Contains("p4_agent_draining 0", scrape, StringComparison.Ordinal);
    }
}
