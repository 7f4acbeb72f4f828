using System.Text.Json.Nodes;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.JSInterop;
using MudBlazor;
using P4Flow.Studio.Components;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Users;

namespace P4Flow.Studio.Pages.Workflows;

/// <summary>
/// The workflow designer: toolbox, X6 canvas and a property panel generated from the activity descriptors.
/// The canvas holds the flowchart being edited (and autosaves it to localStorage); this page holds the workflow's
/// settings and talks to the same services as the HTTP API to validate, save, publish and run.
/// </summary>
public partial class Designer : IAsyncDisposable
{
    private static readonly Dictionary<string, string> CategoryColors = new(StringComparer.Ordinal)
    {
        ["Control"] = "#6A1B9A",
        ["Perforce"] = "#0D47A1",
        ["Primitives"] = "#00695C",
        ["Flow"] = "#6A1B9A",
    };

    private DesignerCanvas? _canvas;
    private bool _loaded;
    private bool _ready;
    private bool _notFound;
    private bool _dirty;
    private bool _busy;
    private bool _validated;
    private CanvasHistory _history;
    private WorkflowDefinition? _definition;
    private WorkflowDefinition? _settings;
    private int? _publishedVersion;
    private string? _selectedNodeId;
    private ActivityNode? _selected;
    private int _selectionCount;
    private int _panel;
    private string? _toolboxSearch;
    private string? _draftNote;
    private IReadOnlyList<ValidationError> _errors = [];
    private IJSObjectReference? _helpers;

    [Parameter] public string DefinitionId { get; set; } = "";
    /// <summary>A version to view read-only (from the version history).</summary>
    [SupplyParameterFromQuery] public int? Version { get; set; }

    [Inject] private IWorkflowStore Store { get; set; } = null!;

    [Inject] private StudioActions Actions { get; set; } = null!;
    [Inject] private WorkflowDefinitionService Definitions { get; set; } = null!;
    [Inject] private ActivityRegistry Registry { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;

    private bool IsReadOnly => Version is not null;
    private DesignerCanvas Canvas => _canvas ?? throw new InvalidOperationException("The canvas is not ready yet.");
    private string DraftKey => $"p4flow:draft:{DefinitionId}";

    private string VersionLabel => _definition is null ? "" : IsReadOnly
        ? $"v{_definition.Version}{(_definition.IsPublished ? " published" : "")}"
        : _dirty ? $"v{_definition.Version} unsaved" : _definition.IsPublished ? $"v{_definition.Version} published" : $"v{_definition.Version} draft";

    private IEnumerable<IGrouping<string, ActivityDescriptor>> ToolboxGroups => Registry.Descriptors
        .Where(d => string.IsNullOrWhiteSpace(_toolboxSearch)
            || d.DisplayName.Contains(_toolboxSearch, StringComparison.OrdinalIgnoreCase)
            || d.Type.Contains(_toolboxSearch, StringComparison.OrdinalIgnoreCase)
            || d.Category.Contains(_toolboxSearch, StringComparison.OrdinalIgnoreCase)
            || (d.Description?.Contains(_toolboxSearch, StringComparison.OrdinalIgnoreCase) ?? false))
        .OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.DisplayName, StringComparer.Ordinal)
        .GroupBy(d => d.Category);

    private static string ToolboxHint(ActivityDescriptor descriptor) =>
        descriptor.Stage is { } stage ? $"{stage} · {descriptor.Type}" : descriptor.Description ?? descriptor.Type;

    private static string CategoryColor(string category) => CategoryColors.GetValueOrDefault(category, "#37474F");

    // The canvas is loaded once per page: a link to another workflow or version of it (same page, new parameters) reloads.
    private string? _shownKey;

    protected override void OnParametersSet()
    {
        var key = $"{DefinitionId}@{Version}";
        if (_shownKey is not null && _shownKey != key) Navigation.Refresh(forceReload: true);
        _shownKey = key;
    }

    protected override async Task OnInitializedAsync()
    {
        _definition = await Store.GetDefinitionAsync(DefinitionId, Version, CancellationToken.None);
        if (_definition is null)
        {
            _notFound = true;
            return;
        }
        _settings = _definition;
        _publishedVersion = _definition.IsPublished ? _definition.Version : (await Store.GetPublishedDefinitionAsync(DefinitionId, CancellationToken.None))?.Version;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_canvas is null || _loaded || _definition is null) return;
        _loaded = true;
        if (IsReadOnly) await Canvas.LoadAsync(_definition);
        else if (await Canvas.LoadPreferringDraftAsync(_definition) is { } draft)
        {
            // The canvas opened this browser's unsaved edits: take their settings too.
            _settings = await Canvas.GetDefinitionAsync();
            _dirty = true;
            var info = JsonNode.Parse(draft)!;
            var baseVersion = info["baseVersion"]?.GetValue<int>() ?? 0;
            _draftNote = $"Restored unsaved changes kept in this browser ({info["savedAt"]?.GetValue<string>()})."
                + (baseVersion != 0 && baseVersion != _definition.Version ? $" They were made on v{baseVersion}; the workflow is now at v{_definition.Version}." : "");
        }
        _ready = true;
        StateHasChanged();
    }

    private async Task DiscardDraftAsync()
    {
        await Canvas.MarkSavedAsync();
        _draftNote = null;
        _dirty = false;
        _settings = _definition;
        await Canvas.LoadAsync(_definition!);
    }

    private Task SelectionChangedAsync(CanvasSelection selection)
    {
        _selectedNodeId = selection.NodeId;
        _selected = selection.Activity;
        _selectionCount = selection.Count;
        if (_selected is not null) _panel = 0;
        return Task.CompletedTask;
    }

    private void CanvasChanged(CanvasHistory history)
    {
        _history = history;
        _dirty = true;
    }

    private async Task ActivityChangedAsync(ActivityNode activity)
    {
        if (_selectedNodeId is null) return;
        _selected = activity;
        await Canvas.UpdateActivityAsync(_selectedNodeId, activity);
    }

    private async Task SettingsChangedAsync(WorkflowDefinition settings)
    {
        settings.Root = _settings?.Root ?? new Flowchart();
        _settings = settings;
        _dirty = true;
        await Canvas.SetSettingsAsync(settings);
    }

    private async Task<WorkflowDefinition> CurrentAsync()
    {
        var definition = await Canvas.GetDefinitionAsync();
        definition.DefinitionId = DefinitionId;
        return definition;
    }

    private async Task<IReadOnlyList<ValidationError>> ShowValidationAsync(WorkflowDefinition definition)
    {
        _errors = Definitions.Validate(definition);
        _validated = true;
        await Canvas.SetErrorsAsync(_errors);
        return _errors;
    }

    private async Task ValidateAsync()
    {
        var errors = await ShowValidationAsync(await CurrentAsync());
        if (errors.Count == 0) Snackbar.Add("No problems found.", Severity.Success);
        else
        {
            _panel = 2;
            Snackbar.Add($"{errors.Count} problem(s): see the Problems tab and the marked activities.", Severity.Warning);
        }
    }

    private async Task<WorkflowDefinition?> SaveCoreAsync()
    {
        var definition = await CurrentAsync();
        try
        {
            var saved = await Actions.RunAsync(UserAction.Edit, definition.DefinitionId, () => Definitions.SaveDraftAsync(definition, CancellationToken.None));
            await Canvas.MarkSavedAsync();
            _definition = saved;
            _settings = saved;
            _dirty = false;
            _draftNote = null;
            return saved;
        }
        catch (WorkflowInputException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
            return null;
        }
    }

    private async Task SaveAsync()
    {
        _busy = true;
        try
        {
            if (await SaveCoreAsync() is { } saved) Snackbar.Add($"Saved draft v{saved.Version}.", Severity.Success);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task PublishAsync()
    {
        _busy = true;
        try
        {
            var errors = await ShowValidationAsync(await CurrentAsync());
            if (errors.Count > 0)
            {
                _panel = 2;
                Snackbar.Add($"Not published: {errors.Count} problem(s) to fix first.", Severity.Error);
                return;
            }
            if ((_dirty || !(_definition?.IsPublished ?? false)) && await SaveCoreAsync() is null) return;
            var published = await Actions.RunAsync(UserAction.Publish, DefinitionId, () => Definitions.PublishAsync(DefinitionId, CancellationToken.None));
            _definition = published;
            _publishedVersion = published.Version;
            Snackbar.Add($"Published v{published.Version}.", Severity.Success);
        }
        catch (WorkflowValidationException ex)
        {
            _errors = ex.Errors;
            _panel = 2;
            await Canvas.SetErrorsAsync(_errors);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RunAsync()
    {
        if (_dirty || !(_definition?.IsPublished ?? false))
            Snackbar.Add($"Runs the published version v{_publishedVersion}; unpublished changes are not part of it.", Severity.Info);
        var jobId = await StartRunDialog.ShowAsync(Dialogs, DefinitionId);
        if (jobId is not null) Navigation.NavigateTo($"jobs/{jobId}");
    }

    private async Task ExportAsync()
    {
        var definition = await CurrentAsync();
        _helpers ??= await JS.InvokeAsync<IJSObjectReference>("import", StudioScripts.Helpers);
        await _helpers.InvokeVoidAsync("download", $"{DefinitionId}.v{definition.Version}.json", JsonSerializer.Serialize(definition, WorkflowJson.Indented));
    }

    private async Task HistoryAsync()
    {
        var reverted = await VersionHistoryDialog.ShowAsync(Dialogs, DefinitionId);
        if (reverted is null) return;
        await ReloadAsync(reverted, $"Reverted: the draft v{reverted.Version} has the content of the chosen version.");
    }

    private async Task RevertToViewedAsync()
    {
        if (_definition is null) return;
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revert", $"Make the content of v{_definition.Version} the new draft?", yesText: "Revert", cancelText: "Cancel");
        if (confirmed != true) return;
        var copy = WorkflowJson.Deserialize<WorkflowDefinition>(WorkflowJson.Serialize(_definition));
        var draft = await Actions.RunAsync(UserAction.Edit, copy.DefinitionId, () => Definitions.SaveDraftAsync(copy, CancellationToken.None));
        Snackbar.Add($"Reverted: draft v{draft.Version} has the content of v{_definition.Version}.", Severity.Success);
        _helpers ??= await JS.InvokeAsync<IJSObjectReference>("import", StudioScripts.Helpers);
        await _helpers.InvokeVoidAsync("clearDraft", DraftKey);
        Navigation.NavigateTo($"workflows/{DefinitionId}");
    }

    private async Task ReloadAsync(WorkflowDefinition definition, string message)
    {
        await Canvas.MarkSavedAsync();
        _definition = definition;
        _settings = definition;
        _dirty = false;
        _errors = [];
        _selected = null;
        _selectedNodeId = null;
        _draftNote = null;
        await Canvas.LoadAsync(definition);
        Snackbar.Add(message, Severity.Success);
    }

    private async Task ShowErrorAsync(ValidationError error)
    {
        if (error.ActivityId is { } id) await Canvas.SelectAsync(id);
        else _panel = 1;
    }

    private async Task ConfirmLeaveAsync(LocationChangingContext context)
    {
        if (!_dirty) return;
        var leave = await Dialogs.ShowMessageBoxAsync("Unsaved changes",
            "Leave without saving? The changes stay in this browser and come back when you reopen this workflow.",
            yesText: "Leave", cancelText: "Stay");
        if (leave != true) context.PreventNavigation();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_helpers is not null) await _helpers.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The browser went first.
        }
        GC.SuppressFinalize(this);
    }
}
