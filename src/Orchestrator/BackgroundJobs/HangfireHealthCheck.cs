using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace P4Flow.Orchestrator.BackgroundJobs;

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
