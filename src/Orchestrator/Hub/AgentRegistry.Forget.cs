namespace P4Flow.Orchestrator.Hub;

public sealed partial class AgentRegistry
{
    /// <summary>
    /// Drops a removed agent from the pool (GET /api/agents no longer lists it). Refused while it is connected or
    /// holds work, which must not vanish silently.
    /// </summary>
    /// <returns>null when forgotten (or unknown), else why not.</returns>
    public string? Forget(string agentId)
    {
        lock (_lock)
        {
            if (!_agents.TryGetValue(agentId, out var record)) return null;
            if (record.Session is not null) return $"agent {agentId} is still connected";
            if (record.InFlight.Count > 0 || record.Unsent.Count > 0 || record.ActiveJobs > 0) return $"agent {agentId} still has commands or jobs";
            _agents.Remove(agentId);
            SignalLocked();
            return null;
        }
    }
}
