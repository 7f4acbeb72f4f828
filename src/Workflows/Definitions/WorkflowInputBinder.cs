using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Definitions;

/// <summary>Checks the inputs a caller gives a run against the workflow's declared inputs.</summary>
public static class WorkflowInputBinder
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <exception cref="WorkflowInputException">Keyed by <c>input.NAME</c> for each bad or missing value.</exception>
    public static JsonObject Bind(WorkflowDefinition definition, JsonObject? given)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var bound = new JsonObject();
        var declared = definition.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        if (given is not null)
        {
            foreach (var (name, _) in given)
            {
                if (!declared.ContainsKey(name)) errors[$"input.{name}"] = [$"'{name}' is not an input of workflow '{definition.DefinitionId}'."];
            }
        }
        foreach (var input in definition.Inputs)
        {
            var value = given is not null && given.TryGetPropertyValue(input.Name, out var v) ? v : input.Default;
            var key = $"input.{input.Name}";
            if (value is null || (value.GetValueKind() == System.Text.Json.JsonValueKind.String && value.GetValue<string>().Length == 0 && input.Required))
            {
                if (input.Required) errors[key] = [$"'{input.Name}' is required."];
                continue;
            }
            if (!DataTypes.TryCoerce(value, input.Type, out var coerced, out var error))
            {
                errors[key] = [$"'{input.Name}': {error}."];
                continue;
            }
            if (coerced is JsonValue text && text.TryGetValue<string>(out var s))
            {
                if (input.Pattern is { } pattern && !Regex.IsMatch(s, $"^(?:{pattern})\\z", RegexOptions.None, PatternTimeout))
                {
                    errors[key] = [$"'{input.Name}' must match {pattern}."];
                    continue;
                }
                if (input.Options is { Count: > 0 } options && !options.Contains(s))
                {
                    errors[key] = [$"'{input.Name}' must be one of: {string.Join(", ", options)}."];
                    continue;
                }
            }
            bound[input.Name] = coerced?.Parent is null ? coerced : coerced.DeepClone();
        }
        if (errors.Count > 0) throw new WorkflowInputException(errors);
        return bound;
    }
}
