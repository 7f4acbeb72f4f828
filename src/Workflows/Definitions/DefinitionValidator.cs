using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Expressions;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Workflows.Definitions;

/// <summary>One problem in a definition: <see cref="Path"/> names the activity (or connection) and the field.</summary>
public sealed record ValidationError(string Path, string Message, string? ActivityId = null, string? Field = null);

/// <summary>Checks a definition before it is published; every error names the activity id and the field.</summary>
public sealed class DefinitionValidator(ActivityRegistry registry)
{
    public IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition)
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(definition.DefinitionId)) errors.Add(new("definitionId", "definitionId is required."));
        if (string.IsNullOrWhiteSpace(definition.Name)) errors.Add(new("name", "name is required."));
        if (definition.Root is null || definition.Root.Type != "Flowchart")
        {
            errors.Add(new("root.type", "The root must be a Flowchart."));
            return errors;
        }
        ValidateInputs(definition, errors);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var activity in definition.Root.Activities)
        {
            var path = $"activities[{activity.Id}]";
            if (string.IsNullOrWhiteSpace(activity.Id)) errors.Add(new("activities[]", "An activity has no id."));
            else if (!seen.Add(activity.Id)) errors.Add(new($"{path}.id", $"Activity id '{activity.Id}' is used twice.", activity.Id, "id"));
            var descriptor = registry.Find(activity.Type);
            if (descriptor is null)
            {
                errors.Add(new($"{path}.type", $"Activity '{activity.Id}' has unknown type '{activity.Type}'.", activity.Id, "type"));
                continue;
            }
            ValidateActivityInputs(activity, descriptor, errors);
        }

        var nodes = definition.Root.Activities.Where(a => !string.IsNullOrWhiteSpace(a.Id)).GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        for (var i = 0; i < definition.Root.Connections.Count; i++)
        {
            var connection = definition.Root.Connections[i];
            var path = $"connections[{i}]";
            if (!nodes.TryGetValue(connection.Source.Activity, out var source))
                errors.Add(new($"{path}.source.activity", $"Connection {i} starts at unknown activity '{connection.Source.Activity}'.", connection.Source.Activity, "source.activity"));
            else if (registry.Find(source.Type) is { } descriptor && !descriptor.Outcomes.Contains(connection.Source.Port))
                errors.Add(new($"{path}.source.port", $"Activity '{source.Id}' ({source.Type}) has no outcome port '{connection.Source.Port}'; it has: {string.Join(", ", descriptor.Outcomes.DefaultIfEmpty("(none)"))}.", source.Id, "source.port"));
            if (!nodes.ContainsKey(connection.Target.Activity))
                errors.Add(new($"{path}.target.activity", $"Connection {i} ends at unknown activity '{connection.Target.Activity}'.", connection.Target.Activity, "target.activity"));
        }

        var graph = FlowchartGraph.Build(definition, registry);
        if (graph.StartNodes.Count == 0 && nodes.Count > 0) errors.Add(new("root.activities", "The flowchart has no start: add a Start activity."));
        var reachable = graph.Reachable();
        foreach (var node in graph.Nodes.Values)
        {
            if (!reachable.Contains(node.Id))
                errors.Add(new($"activities[{node.Id}]", $"Activity '{node.Id}' cannot be reached from the start.", node.Id));
            if (node.IsLoopTarget && node.Node.MaxIterations is not > 0)
                errors.Add(new($"activities[{node.Id}].maxIterations", $"Activity '{node.Id}' starts a loop but has no iteration cap: set maxIterations.", node.Id, "maxIterations"));
        }
        return errors;
    }

    private static void ValidateInputs(WorkflowDefinition definition, List<ValidationError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in definition.Inputs)
        {
            if (string.IsNullOrWhiteSpace(input.Name)) errors.Add(new("inputs[]", "A workflow input has no name."));
            else if (!names.Add(input.Name)) errors.Add(new($"inputs[{input.Name}]", $"Workflow input '{input.Name}' is declared twice.", Field: input.Name));
            if (input.Default is not null && !DataTypes.TryCoerce(input.Default, input.Type, out _, out var error))
                errors.Add(new($"inputs[{input.Name}].default", $"Default of workflow input '{input.Name}': {error}.", Field: input.Name));
        }
    }

    private static void ValidateActivityInputs(ActivityNode activity, ActivityDescriptor descriptor, List<ValidationError> errors)
    {
        var path = $"activities[{activity.Id}].inputs";
        foreach (var (name, value) in activity.Inputs)
        {
            var input = descriptor.FindInput(name);
            if (input is null)
            {
                errors.Add(new($"{path}.{name}", $"Activity '{activity.Id}' ({descriptor.Type}) has no input '{name}'.", activity.Id, name));
                continue;
            }
            var expression = value?.Expression;
            if (expression is null) continue;
            if (expression.Type == ExpressionType.JavaScript)
            {
                var code = expression.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? expression.Value.GetValue<string>() : null;
                if (string.IsNullOrWhiteSpace(code))
                    errors.Add(new($"{path}.{name}", $"Input '{name}' of activity '{activity.Id}' has an empty JavaScript expression.", activity.Id, name));
                else if (JavaScriptEvaluator.SyntaxError(code) is { } syntax)
                    errors.Add(new($"{path}.{name}", $"JavaScript in input '{name}' of activity '{activity.Id}' does not parse: {syntax}", activity.Id, name));
            }
            else if (expression.Value is not null && !DataTypes.TryCoerce(expression.Value, input.Type, out _, out var error))
            {
                errors.Add(new($"{path}.{name}", $"Input '{name}' of activity '{activity.Id}': {error}.", activity.Id, name));
            }
        }
        foreach (var input in descriptor.Inputs.Where(i => i.Required && i.Default is null))
        {
            if (!activity.Inputs.TryGetValue(input.Name, out var given) || given?.Expression?.Value is null)
                errors.Add(new($"{path}.{input.Name}", $"Activity '{activity.Id}' is missing required input '{input.Name}'.", activity.Id, input.Name));
        }
    }
}
