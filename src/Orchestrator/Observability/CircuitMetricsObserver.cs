using P4Flow.Activities.Perforce;
using P4Flow.Orchestrator.Hub;

namespace P4Flow.Orchestrator.Observability;

/// <summary>Feeds p4_circuit_open from the per-server circuit breakers and p4_agent_circuit_open from the per-agent ones.</summary>
internal sealed class CircuitMetricsObserver(P4FlowMetrics metrics) : IP4CircuitObserver, IAgentCircuitObserver
{
    public void CircuitChanged(string server, bool open) => metrics.CircuitChanged(server, open);

    public void AgentCircuitChanged(string agentId, bool open) => metrics.AgentCircuitChanged(agentId, open);
}
