using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Studio.Components;

/// <summary>
/// The X6 canvas (Scripts/designer.js) seen from Blazor: loads a definition, reads it back, and reports selection
/// and edits. Every node is plain SVG drawn by X6; Blazor renders only this one element.
/// </summary>
public sealed partial class DesignerCanvas : IAsyncDisposable
{
    private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ElementReference _container;
    private ElementReference _minimap;
    private IJSObjectReference? _module;
    private IJSObjectReference? _designer;
    private DotNetObjectReference<DesignerCanvas>? _self;

    [Inject] private IJSRuntime JS { get; set; } = null!;
    [Inject] private ActivityRegistry Registry { get; set; } = null!;

    [Parameter] public bool ReadOnly { get; set; }
    /// <summary>Paints job states (not reached, running, waiting, done, failed) on the nodes.</summary>
    [Parameter] public bool ShowStates { get; set; }
    [Parameter] public bool ShowMinimap { get; set; } = true;
    /// <summary>CSS selector of the toolbox whose [data-activity-type] items can be dragged onto the canvas.</summary>
    [Parameter] public string? Toolbox { get; set; }
    /// <summary>localStorage key the canvas autosaves the edited definition under.</summary>
    [Parameter] public string? DraftKey { get; set; }
    [Parameter] public int BaseVersion { get; set; }
    [Parameter] public EventCallback<CanvasSelection> OnSelection { get; set; }
    [Parameter] public EventCallback<CanvasHistory> OnChanged { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        try
        {
            _self = DotNetObjectReference.Create(this);
            _module = await JS.InvokeAsync<IJSObjectReference>("import", StudioScripts.Designer);
            var options = JsonSerializer.Serialize(new
            {
                readOnly = ReadOnly,
                showStates = ShowStates,
                draftKey = DraftKey,
                baseVersion = BaseVersion,
                descriptors = Registry.Descriptors,
            }, WorkflowJson.Options);
            _designer = await _module.InvokeAsync<IJSObjectReference>("createDesigner", _container, ShowMinimap ? _minimap : (ElementReference?)null, Toolbox, _self, options);
            _created.TrySetResult();
        }
        catch (JSDisconnectedException ex)
        {
            _created.TrySetException(ex);
        }
    }

    public async Task LoadAsync(WorkflowDefinition definition) =>
        await InvokeVoidAsync("load", WorkflowJson.Serialize(definition), false);

    /// <summary>Loads the unsaved draft this browser kept for the definition when there is one, else the definition.</summary>
    /// <returns>The draft's JSON <c>{savedAt, baseVersion}</c> when it was used, else null.</returns>
    public async Task<string?> LoadPreferringDraftAsync(WorkflowDefinition definition)
    {
        await _created.Task;
        return await _designer!.InvokeAsync<string?>("load", WorkflowJson.Serialize(definition), true);
    }

    /// <summary>The definition as drawn: the settings last given plus the canvas's activities, positions and connections.</summary>
    public async Task<WorkflowDefinition> GetDefinitionAsync()
    {
        await _created.Task;
        var json = await _designer!.InvokeAsync<string>("getDefinition");
        return WorkflowJson.Deserialize<WorkflowDefinition>(json);
    }

    /// <summary>Name, description, inputs and variables (everything but the flowchart).</summary>
    public async Task SetSettingsAsync(WorkflowDefinition settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var copy = JsonSerializer.SerializeToNode(settings, WorkflowJson.Options)!.AsObject();
        copy.Remove("root");
        await InvokeVoidAsync("setSettings", copy.ToJsonString(WorkflowJson.Options));
    }

    public Task UpdateActivityAsync(string nodeId, ActivityNode activity) =>
        InvokeVoidAsync("updateActivity", nodeId, WorkflowJson.Serialize(activity));

    public Task AddActivityAsync(string type) => InvokeVoidAsync("addActivity", type);

    public Task SetErrorsAsync(IReadOnlyList<ValidationError> errors) =>
        InvokeVoidAsync("setErrors", JsonSerializer.Serialize(errors, WorkflowJson.Options));

    /// <summary>Paints activity states; activities not named keep theirs.</summary>
    public Task SetStatesAsync(IReadOnlyDictionary<string, string> states) =>
        InvokeVoidAsync("setStates", JsonSerializer.Serialize(states));

    public Task SelectAsync(string activityId) => InvokeVoidAsync("select", activityId);

    /// <summary>Scrolls a diagram too large to fit readably to the activity; a fitted one is left as it is.</summary>
    public Task FocusAsync(string activityId) => InvokeVoidAsync("focusActivity", activityId);

    /// <summary>undo, redo, zoomIn, zoomOut, fit, layout, copy, paste, delete, selectAll.</summary>
    public Task CommandAsync(string name) => InvokeVoidAsync("command", name);

    /// <summary>The edits are saved: drop the local draft.</summary>
    public Task MarkSavedAsync() => InvokeVoidAsync("markSaved");

    [JSInvokable]
    public Task OnCanvasSelection(string? nodeId, string? activityJson, int count) =>
        OnSelection.InvokeAsync(new CanvasSelection(nodeId, activityJson is null ? null : WorkflowJson.Deserialize<ActivityNode>(activityJson), count));

    [JSInvokable]
    public Task OnCanvasChanged(bool canUndo, bool canRedo) => OnChanged.InvokeAsync(new CanvasHistory(canUndo, canRedo));

    private async Task InvokeVoidAsync(string method, params object?[] args)
    {
        await _created.Task;
        await _designer!.InvokeVoidAsync(method, args);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_designer is not null)
            {
                await _designer.InvokeVoidAsync("dispose");
                await _designer.DisposeAsync();
            }
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The browser is gone; so is the canvas.
        }
        _self?.Dispose();
    }
}

/// <summary>What is selected on the canvas: one activity (with its node id and data), or a count of cells.</summary>
public sealed record CanvasSelection(string? NodeId, ActivityNode? Activity, int Count);

public readonly record struct CanvasHistory(bool CanUndo, bool CanRedo);
