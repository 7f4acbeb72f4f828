using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Observability;
using P4Flow.Studio.Services;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// Follows the agent pool: keeps the agent gauges current, counts refusals by reason, and tells the Studio's
/// Agents page when anything changes. One reader of the registry's change signal instead of one per consumer.
/// </summary>
internal sealed class HubObservation(AgentRegistry registry, AuditLog audit, P4FlowMetrics metrics, AgentDrain drain) : BackgroundService, IAgentDirectory
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);

    public event EventHandler? Changed;

    public Task<IReadOnlyList<AgentInfo>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AgentInfo>>([.. registry.Everywhere().Select(ToInfo)]);

    public Task<AgentInfo> SetDrainingAsync(string agentId, bool draining, string? user, CancellationToken cancellationToken) =>
        Task.FromResult(ToInfo(drain.Set(agentId, draining, user)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        audit.Written += CountRefusal;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var changed = registry.Changed;
                Publish();
                // Load and last-active move without a pool change: refresh now and then as well.
                await Task.WhenAny(changed, Task.Delay(Refresh, stoppingToken)).ConfigureAwait(false);
            }
        }
        finally
        {
            audit.Written -= CountRefusal;
        }
    }

    private void Publish()
    {
        var agents = registry.Snapshot();
        var byState = agents.GroupBy(a => a.State.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        metrics.SetAgents(agents.Count(a => a.ConnectedSince is not null), byState);
        Changed?.Invoke(this, EventArgs.Empty);
    }

    private void CountRefusal(AuditEvent entry)
    {
        if (entry.Result != AuditEvent.Rejected || entry.EventType is not (AuditLog.AgentRejected or AuditLog.AgentEvicted)) return;
        metrics.HubRefused(entry.EventType == AuditLog.AgentEvicted ? "evicted" : RefusalReason(entry.Reason ?? ""));
    }

    // Free-text reasons become the bounded label values of p4_hub_refusals_total.
    private static string RefusalReason(string reason) => reason switch
    {
        _ when reason.Contains("one session per agent identity", StringComparison.Ordinal) => "duplicate",
        _ when reason.Contains("no client certificate", StringComparison.OrdinalIgnoreCase) => "no_certificate",
        _ when reason.Contains("whitelist", StringComparison.OrdinalIgnoreCase) => "not_whitelisted",
        _ when reason.Contains("address", StringComparison.OrdinalIgnoreCase) || reason.Contains("ip_range", StringComparison.OrdinalIgnoreCase) => "address_mismatch",
        _ when reason.Contains("certificate", StringComparison.OrdinalIgnoreCase) => "bad_certificate",
        _ when reason.Contains("version", StringComparison.OrdinalIgnoreCase) => "protocol_version",
        _ when reason.Contains("full", StringComparison.OrdinalIgnoreCase) || reason.Contains("max_agents", StringComparison.OrdinalIgnoreCase) => "capacity",
        _ => "other",
    };

    private static AgentInfo ToInfo(AgentView agent) => new(
        agent.Id,
        agent.State,
        agent.State == "HEALTHY" ? "Healthy" : agent.State == "TIMEOUT" ? "Unhealthy" : null,
        agent.MaxConcurrent > 0 ? (double)agent.Load / agent.MaxConcurrent : null,
        agent.Capabilities,
        agent.Labels.ToDictionary(l => l, _ => "", StringComparer.Ordinal),
        agent.ConnectedSince,
        agent.LastActive,
        agent.Hostname,
        agent.AgentVersion,
        Draining: agent.Draining,
        Node: agent.Node);
}
