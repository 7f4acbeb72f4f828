using System.Text.Json.Nodes;

namespace P4Flow.Orchestrator.Hub;

/// <summary>What a job needs of its agent.</summary>
public sealed record AgentRequirements(IReadOnlyList<string> Capabilities, IReadOnlyList<string> Labels)
{
    public static AgentRequirements None { get; } = new([], []);

    /// <summary>The job input's <c>agentRequirements</c> (<c>{"capabilities": [...], "labels": [...]}</c>); none when absent.</summary>
    public static AgentRequirements Of(JsonObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input[AgentCommandDispatcher.RequirementsInput] is not JsonObject wanted) return None;
        static IReadOnlyList<string> Strings(JsonNode? node) => node is JsonArray array
            ? [.. array.OfType<JsonValue>().Select(v => v.ToString()).Where(s => s.Length > 0)]
            : [];
        return new AgentRequirements(Strings(wanted["capabilities"]), Strings(wanted["labels"]));
    }

    public bool MetBy(AgentRecord agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return MetBy(agent.Capabilities, agent.Labels);
    }

    public bool MetBy(IReadOnlyList<string> capabilities, IReadOnlyList<string> labels) =>
        Capabilities.All(c => capabilities.Contains(c, StringComparer.OrdinalIgnoreCase))
        && Labels.All(l => labels.Contains(l, StringComparer.OrdinalIgnoreCase));

    public override string ToString() => $"capabilities [{string.Join(", ", Capabilities)}], labels [{string.Join(", ", Labels)}]";
}
