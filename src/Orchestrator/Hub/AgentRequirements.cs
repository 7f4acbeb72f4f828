namespace P4Flow.Orchestrator.Hub;

/// <summary>What a job needs of its agent.</summary>
public sealed record AgentRequirements(IReadOnlyList<string> Capabilities, IReadOnlyList<string> Labels)
{
    public static AgentRequirements None { get; } = new([], []);

    public bool MetBy(AgentRecord agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return Capabilities.All(c => agent.Capabilities.Contains(c, StringComparer.OrdinalIgnoreCase))
            && Labels.All(l => agent.Labels.Contains(l, StringComparer.OrdinalIgnoreCase));
    }

    public override string ToString() => $"capabilities [{string.Join(", ", Capabilities)}], labels [{string.Join(", ", Labels)}]";
}
