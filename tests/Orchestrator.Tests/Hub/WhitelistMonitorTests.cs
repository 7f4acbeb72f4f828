using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>The whitelist's reloads against an editor that truncates the file before writing it.</summary>
public sealed class WhitelistMonitorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "p4flow-whitelist-" + Guid.NewGuid().ToString("N")[..8]);
    private string File => Path.Combine(_dir, "whitelist.yaml");

    [Fact]
    public void Refresh_FileEmptyForOneLook_KeepsTheListAndAnEmptyFileStillThereNextLookTakesEffect()
    {
        Directory.CreateDirectory(_dir);
        System.IO.File.WriteAllText(File, HubHost.Whitelist([("agent-1", "127.0.0.0/8"), ("agent-2", "127.0.0.0/8")]));
        var monitor = new WhitelistMonitor(Options.Create(new HubSecurityOptions { AgentWhitelist = File }), Options.Create(new AgentsOptions()), NullLogger<WhitelistMonitor>.Instance);
        Assert.Equal(2, monitor.Current.Entries.Count);

        // Caught between truncate and write: nobody is disconnected for it.
        System.IO.File.WriteAllText(File, "");
        Assert.False(monitor.Refresh());
        Assert.Equal(2, monitor.Current.Entries.Count);
        System.IO.File.WriteAllText(File, HubHost.Whitelist([("agent-2", "127.0.0.0/8")]));
        Assert.True(monitor.Refresh());
        Assert.Equal("agent-2", Assert.Single(monitor.Current.Entries).CertCn);

        // Emptied on purpose: still empty at the next look, and then it holds.
        System.IO.File.WriteAllText(File, "");
        Assert.False(monitor.Refresh());
        Assert.True(monitor.Refresh());
        Assert.Empty(monitor.Current.Entries);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
