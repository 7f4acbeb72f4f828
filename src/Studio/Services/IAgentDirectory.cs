namespace P4Flow.Studio.Services;

/// <summary>
/// The agents the Studio's Agents page and job views show. The orchestrator's agent hub implements it; until then
/// the Studio uses <see cref="EmptyAgentDirectory"/>.
/// </summary>
public interface IAgentDirectory
{
    /// <summary>Every known agent, connected or not.</summary>
    Task<IReadOnlyList<AgentInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Raised (on any thread) when an agent connects, disconnects or changes state, health or load.</summary>
    event EventHandler? Changed;

    /// <summary>Drains an agent (no new jobs; its jobs run to their end) or takes it back, as <paramref name="user"/>.</summary>
    Task<AgentInfo> SetDrainingAsync(string agentId, bool draining, string? user, CancellationToken cancellationToken);
}

/// <summary>One agent as the Studio shows it.</summary>
/// <param name="Id">The agent id (its certificate CN).</param>
/// <param name="State">e.g. Connected, Draining, Disconnected.</param>
/// <param name="Health">e.g. Healthy, Degraded, Unhealthy; null when unknown.</param>
/// <param name="Load">Current load as a fraction 0..1 of its capacity; null when unknown.</param>
/// <param name="RunningJobs">Ids of the jobs whose commands it is running.</param>
/// <param name="Node">In a cluster, the orchestrator node it is connected to; null on one node.</param>
public sealed record AgentInfo(
    string Id,
    string State,
    string? Health,
    double? Load,
    IReadOnlyList<string> Capabilities,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset? ConnectedSince,
    DateTimeOffset? LastActive,
    string? Host = null,
    string? Version = null,
    IReadOnlyList<string>? RunningJobs = null,
    bool Draining = false,
    string? Node = null);

/// <summary>No agents: the directory until the hub registers its own.</summary>
public sealed class EmptyAgentDirectory : IAgentDirectory
{
    public Task<IReadOnlyList<AgentInfo>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<AgentInfo>>([]);

    public event EventHandler? Changed
    {
        add { }
        remove { }
    }

    public Task<AgentInfo> SetDrainingAsync(string agentId, bool draining, string? user, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"Agent {agentId} is not known: this orchestrator has no agent hub.");
}
