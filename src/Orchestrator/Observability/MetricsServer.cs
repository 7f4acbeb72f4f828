using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using Prometheus;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// /metrics on a port of its own (monitoring.metrics_port, on server.host), served by prometheus-net's Kestrel server.
/// A port that cannot be bound is logged as an error and the orchestrator runs on: integrations matter more than
/// their metrics, and Prometheus shows the target down.
/// </summary>
internal sealed class MetricsServer(P4FlowMetrics metrics, IOptions<MonitoringOptions> monitoring, IOptions<ServerOptions> server, ILogger<MetricsServer> logger)
    : IHostedService, IDisposable
{
    private IMetricServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var host = server.Value.Host;
        var port = monitoring.Value.MetricsPort;
        var hostname = IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
        var candidate = new KestrelMetricServer(hostname, port, "/metrics", metrics.Registry);
        try
        {
            _server = candidate.Start();
            ObservabilityLog.MetricsListening(logger, host, port);
        }
        catch (IOException ex)
        {
            candidate.Dispose();
            ObservabilityLog.MetricsPortUnavailable(logger, ex, host, port);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.StopAsync().ConfigureAwait(false);
    }

    public void Dispose() => _server?.Dispose();
}
