using System.Text.Json.Nodes;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Expressions;

/// <summary>Turns an activity's input expressions into typed JSON values for one execution.</summary>
public sealed class ActivityInputEvaluator(JavaScriptEvaluator javaScript)
{
    /// <exception cref="ExpressionException">An expression failed; the message names the input.</exception>
    public JsonObject Evaluate(WorkflowInstance instance, GraphNode node)
    {
        var result = new JsonObject();
        foreach (var input in node.Descriptor.Inputs)
        {
            JsonNode? value;
            // An input saved as null counts as not set.
            if (node.Node.Inputs.TryGetValue(input.Name, out var given) && given?.Expression is { } expression)
                value = Evaluate(instance, expression, input.Name);
            else
                value = input.Default?.DeepClone();

            if (value is null)
            {
                if (input.Required) throw new ExpressionException($"Input '{input.Name}' is required but has no value.");
                continue;
            }
            if (!DataTypes.TryCoerce(value, input.Type, out var coerced, out var error))
                throw new ExpressionException($"Input '{input.Name}': {error}.");
            result[input.Name] = coerced == value && coerced.Parent is not null ? coerced.DeepClone() : coerced;
        }
        return result;
    }

    /// <summary>Evaluates one expression with the instance's inputs, variables and activity outputs in scope.</summary>
    public JsonNode? Evaluate(WorkflowInstance instance, Expression expression, string inputName)
    {
        if (expression.Type == ExpressionType.Literal) return expression.Value?.DeepClone();
        var code = expression.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? expression.Value.GetValue<string>() : expression.Value?.ToJsonString() ?? "";
        try
        {
            return javaScript.Evaluate(code, Globals(instance));
        }
        catch (ExpressionException ex)
        {
            throw new ExpressionException($"Input '{inputName}': {ex.Message}", ex);
        }
    }

    private static Dictionary<string, JsonNode?> Globals(WorkflowInstance instance) => new(StringComparer.Ordinal)
    {
        ["input"] = instance.Input,
        ["variables"] = instance.Variables,
        ["activities"] = instance.Outputs,
        ["job"] = new JsonObject { ["id"] = instance.Id, ["stage"] = instance.CurrentStage, ["definitionId"] = instance.DefinitionId },
    };
}
