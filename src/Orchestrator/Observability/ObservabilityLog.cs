namespace P4Flow.Orchestrator.Observability;

internal static partial class ObservabilityLog
{
    [LoggerMessage(6001, LogLevel.Information, "Metrics at http://{Host}:{Port}/metrics")]
    public static partial void MetricsListening(ILogger logger, string host, int port);

    [LoggerMessage(6002, LogLevel.Error, "Metrics are not served: {Host}:{Port} (monitoring.metrics_port) cannot be bound; the orchestrator runs on without them")]
    public static partial void MetricsPortUnavailable(ILogger logger, Exception exception, string host, int port);

    [LoggerMessage(6003, LogLevel.Warning, "Job gauges could not be read from the store; the scrape reports the previous values")]
    public static partial void StateMetricsFailed(ILogger logger, Exception exception);
}
