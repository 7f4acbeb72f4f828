using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;
using MudBlazor;
using P4Flow.Studio.Components;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Users;

namespace P4Flow.Studio.Pages.Workflows;

/// <summary>Every workflow with its latest and published versions; create, duplicate, import, export, run and delete.</summary>
public partial class WorkflowList
{
    private const long MaxImportBytes = 4 * 1024 * 1024;

    private List<Row>? _rows;
    private string? _search;
    private bool _ready;

    [Inject] private IWorkflowStore Store { get; set; } = null!;

    [Inject] private StudioActions Actions { get; set; } = null!;
    [Inject] private WorkflowDefinitionService Definitions { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;

    private IEnumerable<Row> Filtered => string.IsNullOrWhiteSpace(_search)
        ? _rows ?? []
        : (_rows ?? []).Where(r => r.Latest.Name.Contains(_search, StringComparison.OrdinalIgnoreCase)
            || r.Latest.DefinitionId.Contains(_search, StringComparison.OrdinalIgnoreCase)
            || (r.Latest.Description?.Contains(_search, StringComparison.OrdinalIgnoreCase) ?? false));

    protected override async Task OnInitializedAsync() => await LoadAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (_rows is not null && !_ready)
        {
            _ready = true;
            StateHasChanged();
        }
    }

    private async Task LoadAsync()
    {
        var latest = await Store.ListDefinitionsAsync(CancellationToken.None);
        var rows = new List<Row>(latest.Count);
        foreach (var definition in latest)
        {
            var published = definition.IsPublished ? definition : await Store.GetPublishedDefinitionAsync(definition.DefinitionId, CancellationToken.None);
            var last = definition.PublishedAt is { } at && at > definition.CreatedAt ? at : definition.CreatedAt;
            rows.Add(new Row(definition, published?.Version, last));
        }
        _rows = rows;
    }

    private async Task CreateAsync()
    {
        var answer = await NameDialog.AskAsync(Dialogs, "New workflow", "Create", null, null);
        if (answer is null) return;
        var definition = new WorkflowDefinition
        {
            DefinitionId = answer.DefinitionId,
            Name = answer.Name,
            Root = new Flowchart
            {
                Activities =
                [
                    new ActivityNode
                    {
                        Id = "start",
                        Type = nameof(Start),
                        Name = "Start",
                        Metadata = new System.Text.Json.Nodes.JsonObject { ["designer"] = new System.Text.Json.Nodes.JsonObject { ["position"] = new System.Text.Json.Nodes.JsonObject { ["x"] = 40, ["y"] = 160 } } },
                    },
                ],
            },
        };
        if (await SaveNewAsync(definition)) Navigation.NavigateTo($"workflows/{definition.DefinitionId}");
    }

    private async Task DuplicateAsync(Row row)
    {
        var answer = await NameDialog.AskAsync(Dialogs, $"Duplicate {row.Latest.Name}", "Duplicate", row.Latest.Name + " (copy)", row.Latest.DefinitionId + "-copy");
        if (answer is null) return;
        var copy = WorkflowJson.Deserialize<WorkflowDefinition>(WorkflowJson.Serialize(row.Latest));
        copy.DefinitionId = answer.DefinitionId;
        copy.Name = answer.Name;
        if (await SaveNewAsync(copy))
        {
            Snackbar.Add($"Duplicated as {copy.Name} (draft v{copy.Version}).", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task<bool> SaveNewAsync(WorkflowDefinition definition)
    {
        if (await Store.GetDefinitionAsync(definition.DefinitionId, null, CancellationToken.None) is not null)
        {
            Snackbar.Add($"A workflow with id '{definition.DefinitionId}' exists already.", Severity.Error);
            return false;
        }
        try
        {
            await Actions.RunAsync(UserAction.Edit, definition.DefinitionId, () => Definitions.SaveDraftAsync(definition, CancellationToken.None));
            return true;
        }
        catch (WorkflowInputException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
            return false;
        }
    }

    private async Task DeleteAsync(Row row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete workflow",
            $"Delete {row.Latest.Name} ({row.Latest.DefinitionId}) and all its {row.Latest.Version} version(s)? Jobs that ran keep their history. This cannot be undone.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true) return;
        try
        {
            await Actions.RunAsync(UserAction.Delete, row.Latest.DefinitionId, () => Definitions.DeleteAsync(row.Latest.DefinitionId, CancellationToken.None));
            Snackbar.Add($"Deleted {row.Latest.Name}.", Severity.Success);
        }
        catch (Exception ex) when (ex is WorkflowConflictException or WorkflowNotFoundException)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        await LoadAsync();
    }

    private async Task ExportAsync(Row row)
    {
        var definition = await Store.GetDefinitionAsync(row.Latest.DefinitionId, null, CancellationToken.None);
        if (definition is null) return;
        await using var module = await JS.InvokeAsync<IJSObjectReference>("import", StudioScripts.Helpers);
        await module.InvokeVoidAsync("download", $"{definition.DefinitionId}.v{definition.Version}.json", JsonSerializer.Serialize(definition, WorkflowJson.Indented));
    }

    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        WorkflowDefinition definition;
        try
        {
            await using var stream = e.File.OpenReadStream(MaxImportBytes);
            using var reader = new StreamReader(stream);
            definition = WorkflowJson.Deserialize<WorkflowDefinition>(await reader.ReadToEndAsync());
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            Snackbar.Add($"{e.File.Name} is not a workflow definition: {ex.Message}", Severity.Error);
            return;
        }
        try
        {
            var saved = await Actions.RunAsync(UserAction.Import, definition.DefinitionId, () => Definitions.ImportAsync(definition, CancellationToken.None));
            Snackbar.Add($"Imported {saved.Name} as v{saved.Version}{(saved.IsPublished ? " (published)" : " (draft)")}.", Severity.Success);
            await LoadAsync();
        }
        catch (WorkflowValidationException ex)
        {
            Snackbar.Add($"{e.File.Name} is not valid: {string.Join(" ", ex.Errors.Select(x => x.Message))}", Severity.Error);
        }
        catch (WorkflowInputException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private async Task RunAsync(Row row)
    {
        var jobId = await StartRunDialog.ShowAsync(Dialogs, row.Latest.DefinitionId);
        if (jobId is not null) Navigation.NavigateTo($"jobs/{jobId}");
    }

    private sealed record Row(WorkflowDefinition Latest, int? PublishedVersion, DateTimeOffset LastChange);
}
