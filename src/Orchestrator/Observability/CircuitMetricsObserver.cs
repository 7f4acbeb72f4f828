using P4Flow.Activities.Perforce;

namespace P4Flow.Orchestrator.Observability;

/// <summary>Feeds p4_circuit_open from the per-server circuit breakers.</summary>
internal sealed class CircuitMetricsObserver(P4FlowMetrics metrics) : IP4CircuitObserver
{
    public void CircuitChanged(string server, bool open) => metrics.CircuitChanged(server, open);
}
