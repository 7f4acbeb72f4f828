using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Execution;
using Prometheus;

namespace P4Flow.Agent.Configuration;

/// <summary>The `monitoring:` section of agent.yaml: the agent's own /metrics, off unless a port is set.</summary>
public sealed class AgentMonitoringOptions
{
    public const string Section = "monitoring";

    /// <summary>Port of the agent's /metrics; 0 (the default) serves none.</summary>
    [ConfigurationKeyName("metrics_port")]
    public int MetricsPort { get; set; }

    [ConfigurationKeyName("metrics_host")]
    public string MetricsHost { get; set; } = "127.0.0.1";
}

/// <summary>Serves the agent's metrics with prometheus-net's own server: commands running and the agent's capacity.</summary>
internal sealed class AgentMetrics(IOptions<AgentMonitoringOptions> options, CommandExecutor executor) : IHostedService, IDisposable
{
    private KestrelMetricServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MetricsPort <= 0) return Task.CompletedTask;
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var running = factory.CreateGauge("p4_agent_commands_running", "Commands this agent is running now.");
        var capacity = factory.CreateGauge("p4_agent_max_concurrent_commands", "Commands this agent runs at most at once.");
        var draining = factory.CreateGauge("p4_agent_draining", "1 while the agent finishes its commands before stopping.");
        registry.AddBeforeCollectCallback(() =>
        {
            running.Set(executor.Load);
            capacity.Set(executor.MaxConcurrent);
            draining.Set(executor.IsDraining ? 1 : 0);
        });
        _server = new KestrelMetricServer(settings.MetricsHost, settings.MetricsPort, "/metrics", registry);
        _server.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.StopAsync().ConfigureAwait(false);
    }

    public void Dispose() => _server?.Dispose();

    public static void Add(IServiceCollection services)
    {
        services.AddOptions<AgentMonitoringOptions>().BindConfiguration(AgentMonitoringOptions.Section)
            .Validate(o => o.MetricsPort is >= 0 and <= 65_535, "monitoring.metrics_port must be between 0 (off) and 65535.").ValidateOnStart();
        services.AddHostedService<AgentMetrics>();
    }
}
