using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Hub;

/// <summary>Closes, at once, the streams of agents a whitelist edit no longer allows.</summary>
internal sealed class WhitelistEnforcer(WhitelistMonitor whitelist, AgentRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        whitelist.Changed += registry.Revalidate;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        whitelist.Changed -= registry.Revalidate;
        return Task.CompletedTask;
    }
}
