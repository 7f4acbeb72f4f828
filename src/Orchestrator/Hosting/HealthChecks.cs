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
