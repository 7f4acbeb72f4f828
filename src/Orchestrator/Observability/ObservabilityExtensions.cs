using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Workflows.Runtime;
using Prometheus;
using Serilog;

namespace P4Flow.Orchestrator.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// Logs through Serilog as monitoring.* says (console, JSON lines file, command log, rolling by size and count,
    /// secrets masked) and metrics through prometheus-net on monitoring.metrics_port. <paramref name="textConsole"/>
    /// forces the text console whatever monitoring.log_format says (the demo prints instructions for a person).
    /// </summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder, bool textConsole = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var monitoring = builder.Configuration.Section<MonitoringOptions, MonitoringOptionsValidation>(MonitoringOptions.Section);
        var services = builder.Services;

        // Serilog's own trouble (a log folder that cannot be written) goes to stderr instead of nowhere.
        Serilog.Debugging.SelfLog.Enable(Console.Error);
        // A logger per host (not the static Log.Logger), flushed and closed with the host's services.
        // The archives are made before the logger and so disposed after it: files it rolled last are compressed too.
        services.AddSingleton(sp => new LogArchives(monitoring, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSerilog((sp, configuration) => SerilogSetup.Configure(configuration, monitoring, textConsole, sp.GetRequiredService<LogArchives>()), preserveStaticLogger: true);
        services.AddSingleton<CommandLog>();

        services.AddSingleton(sp =>
        {
            var registry = Metrics.NewCustomRegistry();
            DotNetStats.Register(registry);
            registry.AddBeforeCollectCallback(cancel => sp.GetRequiredService<StateMetrics>().UpdateAsync(cancel));
            return new P4FlowMetrics(registry);
        });
        services.AddSingleton<StateMetrics>();
        services.AddSingleton<IWorkflowObserver, JobMetricsObserver>();
        services.AddSingleton<IWorkflowObserver, JobEventLog>();
        services.AddSingleton<CircuitMetricsObserver>();
        services.AddSingleton<Activities.Perforce.IP4CircuitObserver>(sp => sp.GetRequiredService<CircuitMetricsObserver>());
        services.AddSingleton<Hub.IAgentCircuitObserver>(sp => sp.GetRequiredService<CircuitMetricsObserver>());
        services.AddHostedService<MetricsServer>();
        return builder;
    }
}
