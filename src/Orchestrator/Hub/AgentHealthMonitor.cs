using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Hub;

/// <summary>
/// Pings every connected agent each agents.ping_interval; a ping without a pong within agents.pong_timeout is
/// missed, and agents.max_missed_pongs misses in a row mark the agent TIMEOUT (no new jobs; its jobs' grace starts).
/// </summary>
public sealed class AgentHealthMonitor(AgentRegistry registry, IOptions<AgentsOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var interval = TimeSpan.FromSeconds(settings.PingInterval);
        var timeout = TimeSpan.FromSeconds(settings.PongTimeout);
        // Fine enough to see a missed pong on time, coarse enough to cost nothing with a thousand agents.
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(interval.TotalMilliseconds, timeout.TotalMilliseconds) / 5, 10, 500));
        using var timer = new PeriodicTimer(tick, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) Check(interval, timeout, settings.MaxMissedPongs);
    }

    public void Check(TimeSpan interval, TimeSpan timeout, int maxMissed)
    {
        var now = clock.GetUtcNow();
        foreach (var session in registry.Sessions())
        {
            if (session.Tick(now, interval, timeout, maxMissed) == AgentState.Timeout) registry.MarkTimedOut(session);
        }
    }
}
