using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Studio.Components;

/// <summary>Name, description, typed inputs with defaults, and variables of the workflow being edited.</summary>
public partial class WorkflowSettings
{
    [Parameter, EditorRequired] public WorkflowDefinition Settings { get; set; } = null!;
    [Parameter] public IReadOnlyList<ValidationError> Errors { get; set; } = [];
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public EventCallback<WorkflowDefinition> OnChange { get; set; }

    private string? Error(string path) => Errors.FirstOrDefault(e => e.Path == path)?.Message;

    private string? InputError(string name)
    {
        var messages = Errors.Where(e => e.Path.StartsWith("inputs[", StringComparison.Ordinal) && e.Field == name).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    private Task Change(Action<WorkflowDefinition> edit)
    {
        var copy = WorkflowJson.Deserialize<WorkflowDefinition>(WorkflowJson.Serialize(Settings));
        edit(copy);
        return OnChange.InvokeAsync(copy);
    }

    private Task AddInput() => Change(s => s.Inputs.Add(new WorkflowInputDefinition { Name = UniqueName(s.Inputs.Select(i => i.Name), "input") }));

    private Task AddVariable() => Change(s => s.Variables.Add(new VariableDefinition { Name = UniqueName(s.Variables.Select(v => v.Name), "variable") }));

    private static string UniqueName(IEnumerable<string> taken, string stem)
    {
        var set = taken.ToHashSet(StringComparer.Ordinal);
        for (var i = 1; ; i++)
        {
            var name = i == 1 ? stem : stem + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!set.Contains(name)) return name;
        }
    }

    /// <summary>JSON text as a value; text that is not JSON is taken as a string.</summary>
    private static JsonNode? Json(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static List<string>? Options(string? text)
    {
        var options = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return options.Count == 0 ? null : options;
    }
}
