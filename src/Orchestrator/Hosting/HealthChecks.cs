using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Hosting;

/// <summary>Ready when the store answers a query.</summary>
internal sealed class StoreHealthCheck(IWorkflowStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.QueryInstancesAsync(new InstanceQuery(PageSize: 1), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The store answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The store does not answer.", ex);
        }
    }
}

/// <summary>Ready when a Hangfire server has announced itself, i.e. background work can run.</summary>
internal sealed class HangfireHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var servers = storage.GetMonitoringApi().Servers();
        return Task.FromResult(servers.Count > 0
            ? HealthCheckResult.Healthy($"{servers.Count} Hangfire server(s), {servers.Sum(s => s.WorkersCount)} workers.")
            : HealthCheckResult.Unhealthy("No Hangfire server is running."));
    }
}
