using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Users;

namespace P4Flow.Studio.Components;

/// <summary>Starts a job on a workflow's published version with a form built from its declared inputs.</summary>
public partial class StartRunDialog
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private WorkflowDefinition? _definition;
    private string? _loadError;
    private string? _formError;
    private bool _starting;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = null!;
    [Inject] private IWorkflowStore Store { get; set; } = null!;
    [Inject] private StudioActions Actions { get; set; } = null!;
    [Inject] private WorkflowRuntime Runtime { get; set; } = null!;

    [Parameter] public string DefinitionId { get; set; } = "";

    /// <summary>Field values to start from (a retry's inputs), by input name.</summary>
    [Parameter] public JsonObject? Initial { get; set; }

    /// <returns>The new job's id, or null when the user cancelled.</returns>
    public static async Task<string?> ShowAsync(IDialogService dialogs, string definitionId, JsonObject? initial = null)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var parameters = new DialogParameters<StartRunDialog> { { d => d.DefinitionId, definitionId }, { d => d.Initial, initial } };
        var dialog = await dialogs.ShowAsync<StartRunDialog>(null, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: string jobId } ? jobId : null;
    }

    protected override async Task OnInitializedAsync()
    {
        _definition = await Store.GetPublishedDefinitionAsync(DefinitionId, CancellationToken.None);
        if (_definition is null)
        {
            _loadError = $"Workflow '{DefinitionId}' has no published version: publish it first.";
            return;
        }
        foreach (var input in _definition.Inputs)
        {
            var value = Initial?[input.Name] ?? input.Default;
            _values[input.Name] = value switch
            {
                null => input.Type == DataType.Boolean ? "false" : null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                _ => value.ToJsonString(),
            };
        }
    }

    private static string Label(WorkflowInputDefinition input) => input.Required ? input.Name + " *" : input.Name;

    private static string? Help(WorkflowInputDefinition input)
    {
        var parts = new List<string>();
        if (input.Description is { } d) parts.Add(d);
        parts.Add(input.Type.ToString());
        if (input.Pattern is { } p) parts.Add($"must match {p}");
        return string.Join(" · ", parts);
    }

    private void Cancel() => Dialog.Cancel();

    private async Task StartAsync()
    {
        if (_definition is null) return;
        _errors.Clear();
        _formError = null;
        var body = new JsonObject();
        foreach (var input in _definition.Inputs)
        {
            var text = _values.GetValueOrDefault(input.Name);
            if (string.IsNullOrEmpty(text)) continue;
            try
            {
                body[input.Name] = input.Type switch
                {
                    DataType.Boolean => JsonValue.Create(text == "true"),
                    DataType.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
                    DataType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
                    DataType.Object or DataType.Array or DataType.Any => JsonNode.Parse(text),
                    _ => JsonValue.Create(text),
                };
            }
            catch (JsonException ex)
            {
                _errors[input.Name] = $"Not valid JSON: {ex.Message}";
            }
        }
        if (_errors.Count > 0) return;
        _starting = true;
        try
        {
            var startedBy = await Actions.UserNameAsync();
            var job = await Actions.RunAsync(UserAction.Run, DefinitionId, () => Runtime.StartAsync(DefinitionId, body, startedBy, CancellationToken.None), body.ToJsonString());
            Dialog.Close(DialogResult.Ok(job.Id));
        }
        catch (WorkflowInputException ex)
        {
            foreach (var (key, messages) in ex.Errors)
            {
                var name = key.StartsWith("input.", StringComparison.Ordinal) ? key["input.".Length..] : key;
                if (_definition.Inputs.Any(i => i.Name == name)) _errors[name] = string.Join(" ", messages);
                else _formError = (_formError is null ? "" : _formError + " ") + string.Join(" ", messages);
            }
        }
        catch (WorkflowNotFoundException ex)
        {
            _formError = ex.Message;
        }
        finally
        {
            _starting = false;
        }
    }
}
