using System.Text.Json.Nodes;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using P4Flow.Activities.Perforce;
using P4Flow.Studio.Components;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Users;

namespace P4Flow.Studio.Pages.Jobs;

/// <summary>
/// One job: its workflow drawn read-only with each activity's state, the stage timeline, per activity its inputs,
/// outputs, outcome and timings; Continue (in NEEDS_RESOLVE), Cancel and Retry. It reads the store once when it
/// opens; then each committed step arrives through <see cref="JobEvents"/> and repaints only what changed.
/// </summary>
public partial class JobDetail : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly Dictionary<string, ExecutionSnapshot> _executions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _painted = new(StringComparer.Ordinal);
    private readonly List<JobUpdate> _early = [];
    private JobSummary? _job;
    private WorkflowDefinition? _definition;
    private DesignerCanvas? _canvas;
    private IDisposable? _subscription;
    private Timer? _clock;
    private bool _loaded;
    private bool _canvasLoaded;
    private bool _ready;
    private bool _notFound;
    private bool _busy;
    private string? _agent;
    private string? _selectedActivity;
    private string? _actionError;
    private ContinueResult? _continueResult;

    [Parameter] public string Id { get; set; } = "";

    [Inject] private IWorkflowStore Store { get; set; } = null!;

    [Inject] private StudioActions Actions { get; set; } = null!;
    [Inject] private WorkflowRuntime Runtime { get; set; } = null!;
    [Inject] private ResolveContinuation Continuation { get; set; } = null!;
    [Inject] private P4Flow.Notifications.Acknowledgements Acknowledgements { get; set; } = null!;
    [Inject] private JobEvents Events { get; set; } = null!;
    [Inject] private IAgentDirectory Agents { get; set; } = null!;
    [Inject] private IQueuePositions Queue { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;

    /// <summary>The agent running the job's commands now, else the one that ran its last Perforce activity.</summary>
    private string? Agent => _agent ?? _ranOn;

    /// <summary>The agent of the latest execution that names one; read again only when executions arrive.</summary>
    private string? _ranOn;

    private void NoteAgent() => _ranOn = _executions.Values.OrderByDescending(e => e.Sequence).Select(AgentOf).FirstOrDefault(a => a is not null);

    private static string? AgentOf(ExecutionSnapshot execution) =>
        execution.OutputsJson is { } json && JsonNode.Parse(json) is JsonObject outputs && outputs[P4Flow.Activities.Perforce.Activities.P4Activity.AgentOutput] is JsonValue agent
            && agent.TryGetValue<string>(out var id) ? id : null;

    private bool IsNeedsResolve => _job is { Status: WorkflowStatus.Suspended, Stage: ResolveContinuation.Stage };

    private IReadOnlyList<(string File, string Reason)> Conflicts
    {
        get
        {
            if (_job?.ConflictsJson is not { } json || JsonNode.Parse(json) is not JsonArray array) return [];
            return [.. array.OfType<JsonObject>().Select(c => (c["file"]?.GetValue<string>() ?? "?", c["reason"]?.GetValue<string>() ?? "conflict"))];
        }
    }

    private string? _shownId;
    private string? _focused;

    // The diagram and subscription belong to one job: a link to another job (same page, new parameter) reloads.
    protected override void OnParametersSet()
    {
        if (_shownId is not null && _shownId != Id) Navigation.Refresh(forceReload: true);
        _shownId = Id;
    }

    protected override async Task OnInitializedAsync()
    {
        // Subscribe before reading, so that no step falls between the read and the subscription.
        _subscription = Events.Subscribe(Id, update => _ = InvokeAsync(() => ApplyAsync(update)));
        var instance = await Store.GetInstanceAsync(Id, CancellationToken.None);
        if (instance is null)
        {
            _notFound = true;
            _ready = true;
            return;
        }
        foreach (var record in await Store.ListExecutionsAsync(Id, CancellationToken.None)) _executions[record.Id] = ExecutionSnapshot.From(record);
        NoteAgent();
        _job = JobSummary.From(instance);
        // Someone opening a parked job's page may be about to resolve it: the watcher looks at it often again.
        if (IsNeedsResolve) Continuation.Attending(Id);
        _definition = await Store.GetDefinitionAsync(instance.DefinitionId, instance.DefinitionVersion, CancellationToken.None);
        var agents = await Agents.ListAsync(CancellationToken.None);
        _agent = agents.FirstOrDefault(a => a.RunningJobs?.Contains(Id) ?? false)?.Id;
        _loaded = true;
        foreach (var update in _early) Merge(update);
        _early.Clear();
        if (_definition is null) _ready = true;
        _clock = new Timer(_ => _ = InvokeAsync(() => { if (_job is { IsTerminal: false }) StateHasChanged(); }), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_canvas is null || _canvasLoaded || _definition is null) return;
        _canvasLoaded = true;
        await _canvas.LoadAsync(_definition);
        await PaintAsync();
        _ready = true;
        StateHasChanged();
    }

    private async Task ApplyAsync(JobUpdate update)
    {
        if (!_loaded)
        {
            _early.Add(update);
            return;
        }
        if (!Merge(update)) return;
        if (_canvasLoaded) await PaintAsync();
        StateHasChanged();
    }

    /// <returns>false when the update is older than what is shown.</returns>
    private bool Merge(JobUpdate update)
    {
        if (_job is not null && update.Job.Revision < _job.Revision) return false;
        _job = update.Job;
        foreach (var execution in update.Executions) _executions[execution.Id] = execution;
        if (update.Executions.Count > 0) NoteAgent();
        foreach (var id in update.CancelledExecutionIds)
        {
            if (_executions.TryGetValue(id, out var cancelled)) _executions[id] = cancelled with { Status = ExecutionStatus.Cancelled };
        }
        return true;
    }

    /// <summary>Where the job is: its latest activity of the stage it is in, else its latest activity.</summary>
    private string? CurrentActivity()
    {
        var latest = _executions.Values.OrderByDescending(e => e.Sequence).ToList();
        return (latest.FirstOrDefault(e => e.Stage is not null && e.Stage == _job?.Stage) ?? latest.FirstOrDefault())?.ActivityId;
    }

    /// <summary>Sends the canvas the states that changed since the last paint.</summary>
    private async Task PaintAsync()
    {
        if (_job is null || _definition is null || _canvas is null) return;
        var states = NodeStates.Compute(_job, _executions.Values);
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var activity in _definition.Root.Activities)
        {
            var state = states.GetValueOrDefault(activity.Id, NodeStates.NotReached);
            if (_painted.GetValueOrDefault(activity.Id) == state) continue;
            _painted[activity.Id] = state;
            changed[activity.Id] = state;
        }
        if (changed.Count > 0) await _canvas.SetStatesAsync(changed);
        // A diagram too large to read fitted follows the job from activity to activity.
        if (CurrentActivity() is { } current && current != _focused)
        {
            _focused = current;
            await _canvas.FocusAsync(current);
        }
    }

    private void SelectionChanged(CanvasSelection selection) => _selectedActivity = selection.Activity?.Id;

    private async Task ShowActivityAsync(string activityId)
    {
        _selectedActivity = activityId;
        if (_canvas is not null) await _canvas.SelectAsync(activityId);
    }

    private async Task ContinueAsync()
    {
        _busy = true;
        _actionError = null;
        _continueResult = null;
        try
        {
            var by = ResolveContinuation.By(await Actions.UserNameAsync(), "studio");
            _continueResult = await Actions.RunAsync(UserAction.Continue, Id, () => Continuation.ContinueAsync(Id, by, CancellationToken.None));
        }
        catch (Exception ex) when (ex is WorkflowConflictException or WorkflowNotFoundException)
        {
            _actionError = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>A file settled on the conflict panel: its answer shows as Continue's does.</summary>
    private void Settled(ContinueResult result)
    {
        _actionError = null;
        _continueResult = result;
    }

    private async Task AcknowledgeAsync()
    {
        _busy = true;
        _actionError = null;
        try
        {
            var by = await Actions.UserNameAsync() ?? "unknown user";
            var job = await Actions.RunAsync(UserAction.Acknowledge, Id, () => Acknowledgements.AcknowledgeAsync(Id, by, CancellationToken.None));
            _job = JobSummary.From(job);
        }
        catch (Exception ex) when (ex is WorkflowConflictException or WorkflowNotFoundException)
        {
            _actionError = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CancelAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Cancel job", $"Cancel job {Id}? Nothing more runs; work already done stays.", yesText: "Cancel job", cancelText: "Keep running");
        if (confirmed != true) return;
        _busy = true;
        _actionError = null;
        try
        {
            await Actions.RunAsync(UserAction.Cancel, Id, () => Runtime.CancelAsync(Id, "Cancelled in the Studio.", CancellationToken.None));
        }
        catch (Exception ex) when (ex is WorkflowConflictException or WorkflowNotFoundException)
        {
            _actionError = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>A new job on the published version with this job's inputs; the run form opens when they no longer fit.</summary>
    private async Task RetryAsync()
    {
        if (_job is null) return;
        _busy = true;
        _actionError = null;
        var input = JsonNode.Parse(_job.InputJson) as JsonObject;
        string? jobId = null;
        try
        {
            var startedBy = await Actions.UserNameAsync();
            jobId = (await Actions.RunAsync(UserAction.Run, _job.DefinitionId, () => Runtime.StartAsync(_job.DefinitionId, input, startedBy, CancellationToken.None), input?.ToJsonString() ?? "{}")).Id;
        }
        catch (WorkflowInputException)
        {
            jobId = await StartRunDialog.ShowAsync(Dialogs, _job.DefinitionId, input);
        }
        catch (WorkflowNotFoundException ex)
        {
            _actionError = ex.Message;
        }
        finally
        {
            _busy = false;
        }
        if (jobId is not null) Navigation.NavigateTo($"jobs/{jobId}", forceLoad: true);
    }

    private static string ExecutionClass(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Completed => nameof(WorkflowStatus.Finished),
        ExecutionStatus.Faulted => nameof(WorkflowStatus.Faulted),
        ExecutionStatus.Suspended => nameof(WorkflowStatus.Suspended),
        ExecutionStatus.Cancelled => nameof(WorkflowStatus.Cancelled),
        _ => nameof(WorkflowStatus.Running),
    };

    private static string Pretty(string json)
    {
        try
        {
            return JsonNode.Parse(json)?.ToJsonString(Indented) ?? json;
        }
        catch (JsonException)
        {
            return json;
        }
    }

    public ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _clock?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
