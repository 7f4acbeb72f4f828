using P4Flow.Orchestrator.Audit;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Hub;

/// <summary>
/// Draining an agent as an admin asks it, from the API or the Studio: the registry stops giving it new jobs (and
/// keeps that in its journal), and the audit log says who did it and how many jobs were still on it.
/// </summary>
public sealed class AgentDrain(AgentRegistry registry, AuditLog audit)
{
    /// <exception cref="WorkflowNotFoundException">No agent of that id is known.</exception>
    public AgentView Set(string agentId, bool draining, string? user)
    {
        if (!registry.SetDraining(agentId, draining)) throw new WorkflowNotFoundException($"Agent {agentId} is not known to this orchestrator.");
        // Listed a moment ago; gone from the list since (its node went) is as good as unknown.
        var view = registry.Everywhere().SingleOrDefault(a => a.Id == agentId) ?? throw new WorkflowNotFoundException($"Agent {agentId} is not connected to any node of the cluster any more.");
        audit.Write(new AuditEvent(draining ? AuditLog.AgentDrained : AuditLog.AgentUndrained, agentId, null, AuditEvent.Accepted,
            draining ? $"drained with {view.Jobs} job(s) on it" : "back in placement") { User = user, TargetHost = view.Hostname });
        return view;
    }
}
