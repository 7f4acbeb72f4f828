using Microsoft.AspNetCore.Components;
using MudBlazor;
using P4Flow.Studio.Services;
using P4Flow.Workflows.State;

namespace P4Flow.Studio.Pages.Branches;

/// <summary>
/// One edge's changes in changelist order: its queue and its history, each with its job, its change on the target and
/// why. An operator acts on a change from its row (the actions that apply to its status). Read when it opens; after that
/// each move of the edge's changes re-reads it (at most every <see cref="RefreshInterval"/>).
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
    private bool _busy;
    private int? _skipping;
    private string? _skipReason;
    private string? _skipError;
    private string? _shownEdge;

    [Parameter] public string Source { get; set; } = "";
    [Parameter] public string Target { get; set; } = "";
    [Inject] private IBranchGraphView Graphs { get; set; } = null!;
    [Inject] private StudioActions Actions { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;

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
        _skipping = null;
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

    private static string LabelOf(string action) => action switch
    {
        BranchChangeActionNames.Approve => "Approve",
        BranchChangeActionNames.Retry => "Retry",
        BranchChangeActionNames.Skip => "Skip",
        BranchChangeActionNames.Shelve => "Shelve for owner",
        BranchChangeActionNames.Stomp => "Accept theirs",
        BranchChangeActionNames.Acknowledge => "Acknowledge",
        _ => action,
    };

    private static string DoneOf(string action) => action switch
    {
        BranchChangeActionNames.Approve => "approved: it goes when its turn comes",
        BranchChangeActionNames.Retry => "goes again",
        BranchChangeActionNames.Skip => "skipped",
        BranchChangeActionNames.Shelve => "shelved for its owner",
        BranchChangeActionNames.Stomp => "takes the source's side",
        BranchChangeActionNames.Acknowledge => "acknowledged",
        _ => $"{action}: done",
    };

    private static Color ColorOf(string action) => action switch
    {
        BranchChangeActionNames.Approve or BranchChangeActionNames.Retry => Color.Primary,
        BranchChangeActionNames.Skip => Color.Warning,
        BranchChangeActionNames.Stomp => Color.Error,
        _ => Color.Default,
    };

    /// <summary>A skip asks why first (the reason stays on the edge); the other actions go at once.</summary>
    private async Task ActOrAskAsync(int change, string action)
    {
        if (action == BranchChangeActionNames.Skip)
        {
            _skipping = change;
            _skipReason = null;
            _skipError = null;
            return;
        }
        await ActAsync(change, action, null);
    }

    private void CancelSkip()
    {
        _skipping = null;
        _skipError = null;
    }

    /// <summary>Skips with the reason given; without one the host says a reason is needed, and the form stays.</summary>
    private async Task SkipAsync(int change)
    {
        _skipError = null;
        if (await ActAsync(change, BranchChangeActionNames.Skip, _skipReason) is { } errors)
            _skipError = errors.TryGetValue("reason", out var reason) ? string.Join(" ", reason) : null;
        else _skipping = null;
    }

    /// <summary>Asks the host to act; what it refuses is shown with its words, the page goes on.</summary>
    /// <returns>Null when it was done; the input errors by field when it was refused (empty for other refusals).</returns>
    private async Task<IReadOnlyDictionary<string, string[]>?> ActAsync(int change, string action, string? reason)
    {
        _busy = true;
        try
        {
            await Graphs.ActAsync(EdgeId, change, action, reason, await Actions.UserNameAsync(), CancellationToken.None);
            Snackbar.Add($"CL {change} {DoneOf(action)}.", Severity.Success);
            await LoadAsync();
            return null;
        }
        catch (Exception ex) when (ex is WorkflowNotFoundException or WorkflowConflictException or WorkflowInputException)
        {
            // An error stays until it is closed: it may take a moment to read, and it says what to do.
            Snackbar.Add($"CL {change}: {ex.Message}", Severity.Error, o => o.RequireInteraction = true);
            return ex is WorkflowInputException input ? input.Errors : new Dictionary<string, string[]>();
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh?.Dispose();
        GC.SuppressFinalize(this);
    }
}
