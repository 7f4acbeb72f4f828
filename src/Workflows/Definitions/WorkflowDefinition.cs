using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace P4Flow.Workflows.Definitions;

/// <summary>A versioned workflow definition in the Elsa-shaped JSON of the design brief.</summary>
public sealed class WorkflowDefinition
{
    public string DefinitionId { get; set; } = "";
    public int Version { get; set; } = 1;
    public bool IsLatest { get; set; }
    public bool IsPublished { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public List<WorkflowInputDefinition> Inputs { get; set; } = [];
    public List<VariableDefinition> Variables { get; set; } = [];
    public Flowchart Root { get; set; } = new();
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
}

public sealed class WorkflowInputDefinition
{
    public string Name { get; set; } = "";
    public DataType Type { get; set; } = DataType.String;
    public bool Required { get; set; }
    public JsonNode? Default { get; set; }
    public string? Description { get; set; }
    /// <summary>Optional regular expression a string input must match in full.</summary>
    public string? Pattern { get; set; }
    /// <summary>Optional closed set of allowed values (rendered as a dropdown).</summary>
    public List<string>? Options { get; set; }
}

public sealed class VariableDefinition
{
    public string Name { get; set; } = "";
    public DataType Type { get; set; } = DataType.Object;
    public JsonNode? Value { get; set; }
}

public sealed class Flowchart
{
    public string Type { get; set; } = "Flowchart";
    public List<ActivityNode> Activities { get; set; } = [];
    public List<Connection> Connections { get; set; } = [];
}

public sealed class ActivityNode
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Name { get; set; }
    /// <summary>Overrides the stage label the activity type declares.</summary>
    public string? Stage { get; set; }
    public JoinMode? JoinMode { get; set; }
    /// <summary>How often a loop may re-enter this activity through a back edge.</summary>
    public int? MaxIterations { get; set; }
    public Dictionary<string, InputValue> Inputs { get; set; } = [];
    public JsonObject? Metadata { get; set; }
}

public sealed class InputValue
{
    public Expression Expression { get; set; } = new();

    public static InputValue Literal(JsonNode? value) => new() { Expression = new Expression { Type = ExpressionType.Literal, Value = value } };

    public static InputValue JavaScript(string code) => new() { Expression = new Expression { Type = ExpressionType.JavaScript, Value = code } };
}

public sealed class Expression
{
    public ExpressionType Type { get; set; } = ExpressionType.Literal;
    public JsonNode? Value { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ExpressionType>))]
public enum ExpressionType
{
    Literal,
    JavaScript,
}

[JsonConverter(typeof(JsonStringEnumConverter<JoinMode>))]
public enum JoinMode
{
    /// <summary>Wait until every live forward inbound branch has arrived.</summary>
    Merge,
    /// <summary>The first branch to arrive wins; the others are cancelled.</summary>
    Race,
}

// The member names are the type names of the JSON contract.
#pragma warning disable CA1720
[JsonConverter(typeof(JsonStringEnumConverter<DataType>))]
public enum DataType
{
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    /// <summary>Any JSON value.</summary>
    Any,
}
#pragma warning restore CA1720

public sealed class Connection
{
    public Endpoint Source { get; set; } = new();
    public Endpoint Target { get; set; } = new() { Port = "In" };
}

public sealed class Endpoint
{
    public string Activity { get; set; } = "";
    public string Port { get; set; } = "Done";
}
