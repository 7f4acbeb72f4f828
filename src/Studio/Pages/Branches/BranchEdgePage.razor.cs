using Microsoft.AspNetCore.Components;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Pages.Branches;

/// <summary>
/// One edge's changes in changelist order: its queue and its history, each with its job, its change on the target and
/// why. Read when it opens; after that each move of the edge's changes re-reads it (at most every <see cref="RefreshInterval"/>).
/// </summary>
public partial class BranchEdgePage : IDisposable
{
    /// <summary>The most changes the page lists.</summary>
    private const int Limit = 500;

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    private IReadOnlyList<BranchChangeInfo>? _changes;
    private IDisposable? _subscription;
    private RefreshThrottle? _refresh;
    // Set after the first render with the changes: before it, a click would be lost.
    private bool _ready;
    private string? _shownEdge;

    [Parameter] public string Source { get; set; } = "";
    [Parameter] public string Target { get; set; } = "";
    [Inject] private IBranchGraphView Graphs { get; set; } = null!;

    private string EdgeId => $"{Source} -> {Target}";

    protected override void OnInitialized()
    {
        // Subscribe before the first read, so that no move falls between the read and the subscription. The edge is the
        // page's current one (a link to another edge keeps the page and changes its parameters).
        _refresh = new RefreshThrottle(RefreshInterval, () => InvokeAsync(RefreshAsync));
        _subscription = Graphs.Subscribe(edgeId =>
        {
            if (edgeId == EdgeId) _refresh.Request();
        });
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_shownEdge == EdgeId && _changes is not null) return;
        _shownEdge = EdgeId;
        _changes = null;
        _ready = false;
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!_ready && _changes is not null)
        {
            _ready = true;
            StateHasChanged();
        }
    }

    private async Task LoadAsync() => _changes = await Graphs.ChangesAsync(EdgeId, Limit, CancellationToken.None);

    private async Task RefreshAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh?.Dispose();
        GC.SuppressFinalize(this);
    }
}
