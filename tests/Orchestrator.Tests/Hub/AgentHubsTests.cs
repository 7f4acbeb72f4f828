using System.Globalization;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>
/// An agent that lists several hubs (server.hubs) connects to one that answers, and when its hub dies goes on to the
/// next at once: the agent side of running several orchestrators.
/// </summary>
public sealed class AgentHubsTests
{
    [Fact]
    public async Task Hubs_FirstDown_ConnectsToTheNext_WhenThatOneDies_GoesBackToTheFirst()
    {
        var firstDir = HubHost.NewDir();
        P4Flow.Orchestrator.Trust.HubCertificates.IssueAgent(HubHost.Folder(firstDir), "agent-1");
        var secondDir = HubHost.NewDirSharingCertificates(firstDir);
        var firstPort = Loopback.FreePort();
        var second = await HubHost.StartAsync(secondDir, agents: ["agent-1"]);
        await using var agent = AgentProcess.Start(firstDir, firstPort, "agent-1", environment: new Dictionary<string, string>
        {
            ["P4FLOW_AGENT_server__hubs__0"] = "127.0.0.1:" + firstPort.ToString(CultureInfo.InvariantCulture),
            ["P4FLOW_AGENT_server__hubs__1"] = "127.0.0.1:" + second.Port.ToString(CultureInfo.InvariantCulture),
        });
        try
        {
            await second.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to reach the second hub, the first being down");
            Assert.Contains($"127.0.0.1:{firstPort}:", agent.Output, StringComparison.Ordinal);

            await using var first = await HubHost.StartAsync(firstDir, firstPort, agents: ["agent-1"]);
            await second.DisposeAsync();

            await first.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to go back to the first hub");
            var result = await first.Dispatcher.RunAsync(HubHost.Request("job-1", "/bin/echo", "here"), CancellationToken.None);
            Assert.Equal("here\n", result.Stdout);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
