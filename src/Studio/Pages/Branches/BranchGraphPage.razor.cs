using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using P4Flow.Studio.Components;
using P4Flow.Studio.Services;
using P4Flow.Workflows.State;

namespace P4Flow.Studio.Pages.Branches;

/// <summary>
/// The branch graph (<see cref="IBranchGraphView"/>) drawn with X6, and its edges with their state; an operator pauses and
/// resumes them. Read once when it opens; after that each move of an edge's changes re-reads it (at most every
/// <see cref="RefreshInterval"/>), and the drawing is redone only when what it shows changed.
/// </summary>
public partial class BranchGraphPage : IAsyncDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    private BranchGraphInfo? _graph;
    private IDisposable? _subscription;
    private RefreshThrottle? _refresh;
    private string? _drawnModel;
    private ElementReference _canvas;
    private IJSObjectReference? _module;
    private IJSObjectReference? _drawing;
    private bool _drawn;
    private bool _drawingNow;
    // Set after the first interactive render only: a prerendered page is not listening yet and drops clicks.
    private bool _ready;
    private bool _busy;
    private string? _error;

    [Inject] private IBranchGraphView Graphs { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;
    [Inject] private StudioActions Actions { get; set; } = null!;

    private string CanvasLabel => _graph is null ? "" : $"Branch graph: {string.Join("; ", _graph.Edges.Select(e => e.Id + (e.Paused ? " (paused)" : "")))}";

    protected override async Task OnInitializedAsync()
    {
        // Subscribe before reading, so that no move falls between the read and the subscription.
        _refresh = new RefreshThrottle(RefreshInterval, () => InvokeAsync(RefreshAsync));
        _subscription = Graphs.Subscribe(_ => _refresh.Request());
        _graph = await Graphs.GetAsync(CancellationToken.None);
    }

    /// <summary>Reads the graph again after its edges' changes moved; the drawing follows when its labels changed.</summary>
    private async Task RefreshAsync()
    {
        _graph = await Graphs.GetAsync(CancellationToken.None);
        if (DrawingKey() != _drawnModel) _drawn = false;
        StateHasChanged();
    }

    /// <summary>What the X6 drawing shows (a redraw resets its pan and zoom: only when this changed).</summary>
    private object DrawingModel() => new
    {
        nodes = _graph!.Nodes.Select(n => new { name = n.Name, path = n.Path }),
        edges = _graph.Edges.Select(e => new { id = e.Id, source = e.Source, target = e.Target, flow = e.Flow, gate = e.Gate, paused = e.Paused, blocked = e.Blocked is { } b ? $"blocked: CL {b.Change} by {b.User}" : null, open = e.Open }),
    };

    private string? DrawingKey() => _graph is null ? null : System.Text.Json.JsonSerializer.Serialize(DrawingModel());

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // One drawing at a time: a re-read that lands while one is drawn asks for the next when it is done.
        if (_graph is { Edges.Count: > 0 } && !_drawn && !_drawingNow)
        {
            _drawn = true;
            _drawingNow = true;
            try
            {
                _module ??= await JS.InvokeAsync<IJSObjectReference>("import", StudioScripts.Branches);
                if (_drawing is not null) await _drawing.InvokeVoidAsync("dispose");
                _drawnModel = DrawingKey();
                _drawing = await _module.InvokeAsync<IJSObjectReference>("renderBranchGraph", _canvas, DrawingModel());
            }
            finally
            {
                _drawingNow = false;
            }
            if (!_drawn) StateHasChanged();
        }
        if (!_ready && _graph is not null)
        {
            _ready = true;
            StateHasChanged();
        }
    }

    private (string Edge, int Change)? _skipping;
    private string? _skipReason;

    private void StartSkip(string edgeId, int change)
    {
        _skipping = (edgeId, change);
        _skipReason = null;
    }

    /// <summary>Skips the blocking change with the reason given; the edge's lane opens.</summary>
    private async Task SkipAsync()
    {
        if (_skipping is not { } skipping) return;
        _busy = true;
        _error = null;
        try
        {
            await Graphs.ActAsync(skipping.Edge, skipping.Change, BranchChangeActionNames.Skip, _skipReason, await Actions.UserNameAsync(), CancellationToken.None);
            _skipping = null;
            _graph = await Graphs.GetAsync(CancellationToken.None);
            _drawn = false;
        }
        catch (Exception ex) when (ex is WorkflowNotFoundException or WorkflowConflictException or WorkflowInputException)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SetPausedAsync(string edgeId, bool paused)
    {
        _busy = true;
        _error = null;
        try
        {
            await Graphs.SetPausedAsync(edgeId, paused, await Actions.UserNameAsync(), CancellationToken.None);
            _graph = await Graphs.GetAsync(CancellationToken.None);
            _drawn = false;
        }
        catch (Exception ex) when (ex is WorkflowNotFoundException or WorkflowConflictException)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _refresh?.Dispose();
        try
        {
            if (_drawing is not null) await _drawing.InvokeVoidAsync("dispose");
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone with the page: nothing to dispose in the browser.
        }
        GC.SuppressFinalize(this);
    }
}
