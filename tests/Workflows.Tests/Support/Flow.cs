using System.Text.Json.Nodes;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Workflows.Tests.Support;

/// <summary>Builds a flowchart definition in a few lines: activities, then connections.</summary>
public sealed class Flow
{
    private readonly WorkflowDefinition _definition;

    private Flow(string definitionId) => _definition = new WorkflowDefinition { DefinitionId = definitionId, Name = definitionId };

    public static Flow Create(string definitionId) => new(definitionId);

    public static InputValue Lit(JsonNode? value) => InputValue.Literal(value);

    public static InputValue Js(string code) => InputValue.JavaScript(code);

    public Flow Input(string name, DataType type = DataType.String, bool required = false, string? pattern = null, JsonNode? defaultValue = null)
    {
        _definition.Inputs.Add(new WorkflowInputDefinition { Name = name, Type = type, Required = required, Pattern = pattern, Default = defaultValue });
        return this;
    }

    public Flow Variable(string name, JsonNode? value)
    {
        _definition.Variables.Add(new VariableDefinition { Name = name, Value = value });
        return this;
    }

    public Flow Add(string id, string type, Dictionary<string, InputValue>? inputs = null, string? stage = null, JoinMode? join = null, int? maxIterations = null)
    {
        _definition.Root.Activities.Add(new ActivityNode
        {
            Id = id,
            Type = type,
            Stage = stage,
            JoinMode = join,
            MaxIterations = maxIterations,
            Inputs = inputs ?? [],
        });
        return this;
    }

    public Flow Connect(string source, string target, string port = "Done")
    {
        _definition.Root.Connections.Add(new Connection
        {
            Source = new Endpoint { Activity = source, Port = port },
            Target = new Endpoint { Activity = target, Port = "In" },
        });
        return this;
    }

    /// <summary>Connects each activity's Done port to the next one.</summary>
    public Flow Chain(params string[] ids)
    {
        for (var i = 1; i < ids.Length; i++) Connect(ids[i - 1], ids[i]);
        return this;
    }

    /// <summary>A fresh copy each time, so a test can change what it built without touching what it published.</summary>
    public WorkflowDefinition Build() => WorkflowJson.Deserialize<WorkflowDefinition>(WorkflowJson.Serialize(_definition));
}
