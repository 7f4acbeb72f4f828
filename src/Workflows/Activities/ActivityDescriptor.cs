using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Workflows.Activities;

/// <summary>What an activity type is, built once from its attributes; served to the API and the Studio.</summary>
public sealed class ActivityDescriptor
{
    public required string Type { get; init; }
    public required string Category { get; init; }
    public required string DisplayName { get; init; }
    public string? Description { get; init; }
    public ActivityKind Kind { get; init; }
    public string? Stage { get; init; }
    public required IReadOnlyList<string> Outcomes { get; init; }
    public required IReadOnlyList<InputDescriptor> Inputs { get; init; }
    public required IReadOnlyList<OutputDescriptor> Outputs { get; init; }

    // Not `required`: the serializer refuses a required member it ignores. The registry always sets it.
    [JsonIgnore]
    public Activity Activity { get; init; } = null!;

    public InputDescriptor? FindInput(string name)
    {
        foreach (var input in Inputs)
        {
            if (input.Name == name) return input;
        }
        return null;
    }
}

public sealed record InputDescriptor(
    string Name,
    string DisplayName,
    DataType Type,
    bool Required,
    JsonNode? Default,
    string UIHint,
    string DefaultSyntax,
    string? Description,
    IReadOnlyList<string>? Options);

public sealed record OutputDescriptor(string Name, string DisplayName, DataType Type, string? Description);
