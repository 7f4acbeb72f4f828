using System.Globalization;
using Microsoft.AspNetCore.Components;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Studio.Components;

/// <summary>The property panel of one activity, generated from its descriptor. Each edit hands back a changed copy.</summary>
public partial class ActivityProperties
{
    [Parameter, EditorRequired] public ActivityNode Activity { get; set; } = null!;
    [Parameter] public ActivityDescriptor? Descriptor { get; set; }
    [Parameter] public IReadOnlyList<ValidationError> Errors { get; set; } = [];
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public EventCallback<ActivityNode> OnChange { get; set; }

    private static readonly string[] GeneralFields = ["id", "maxIterations"];

    private string? FieldError(string field)
    {
        var messages = Errors.Where(e => e.ActivityId == Activity.Id && e.Field == field).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    private IEnumerable<ValidationError> OtherErrors => Errors.Where(e => e.ActivityId == Activity.Id
        && (e.Field is null || (!GeneralFields.Contains(e.Field) && Descriptor?.FindInput(e.Field) is null)));

    private Task Change(Action<ActivityNode> edit)
    {
        var copy = WorkflowJson.Deserialize<ActivityNode>(WorkflowJson.Serialize(Activity));
        edit(copy);
        return OnChange.InvokeAsync(copy);
    }

    private Task IdChanged(string? id) => string.IsNullOrWhiteSpace(id) ? Task.CompletedTask : Change(a => a.Id = id.Trim());

    private Task NameChanged(string? name) => Change(a => a.Name = string.IsNullOrWhiteSpace(name) ? null : name);

    private Task StageChanged(string? stage) => Change(a => a.Stage = string.IsNullOrWhiteSpace(stage) ? null : stage.Trim());

    private Task JoinChanged(string? join) => Change(a => a.JoinMode = join == "Race" ? JoinMode.Race : null);

    private Task MaxIterationsChanged(string? text) =>
        Change(a => a.MaxIterations = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null);

    private Task InputChanged(string name, InputValue? value) => Change(a =>
    {
        if (value is null) a.Inputs.Remove(name);
        else a.Inputs[name] = value;
    });
}
