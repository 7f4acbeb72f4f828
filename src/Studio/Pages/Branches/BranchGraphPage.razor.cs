using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using P4Flow.Studio.Components;
using P4Flow.Studio.Services;
using P4Flow.Workflows.State;

namespace P4Flow.Studio.Pages.Branches;

/// <summary>The branch graph (<see cref="IBranchGraphView"/>) drawn with X6, and its edges with their state; an operator pauses and resumes them.</summary>
public partial class BranchGraphPage : IAsyncDisposable
{
    private BranchGraphInfo? _graph;
    private ElementReference _canvas;
    private IJSObjectReference? _module;
    private IJSObjectReference? _drawing;
    private bool _drawn;
    // Set after the first interactive render only: a prerendered page is not listening yet and drops clicks.
    private bool _ready;
    private bool _busy;
    private string? _error;

    [Inject] private IBranchGraphView Graphs { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;
    [Inject] private StudioActions Actions { get; set; } = null!;

    private string CanvasLabel => _graph is null ? "" : $"Branch graph: {string.Join("; ", _graph.Edges.Select(e => e.Id + (e.Paused ? " (paused)" : "")))}";

    protected override async Task OnInitializedAsync() => _graph = await Graphs.GetAsync(CancellationToken.None);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_graph is { Edges.Count: > 0 } && !_drawn)
        {
            _drawn = true;
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", StudioScripts.Branches);
            if (_drawing is not null) await _drawing.InvokeVoidAsync("dispose");
            _drawing = await _module.InvokeAsync<IJSObjectReference>("renderBranchGraph", _canvas, new
            {
                nodes = _graph.Nodes.Select(n => new { name = n.Name, path = n.Path }),
                edges = _graph.Edges.Select(e => new { id = e.Id, source = e.Source, target = e.Target, flow = e.Flow, gate = e.Gate, paused = e.Paused, blocked = e.Blocked is { } b ? $"blocked: CL {b.Change} by {b.User}" : null, open = e.Open }),
            });
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
