using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Conflicts;
using P4Flow.Studio.Services;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Users;

namespace P4Flow.Studio.Components;

/// <summary>
/// The conflicts of a job in NEEDS_RESOLVE, read from its workspace through its agent each time the panel opens (and
/// after each settlement); one file's three texts in the CodeMirror view, dropped when it closes. Settling goes through
/// <see cref="StudioActions"/> (operators only, audited) to <see cref="ConflictDesk"/>.
/// </summary>
public partial class ConflictPanel : IAsyncDisposable
{
    private IReadOnlyList<ConflictedFile>? _files;
    private ConflictView? _open;
    private ElementReference _host;
    private IJSObjectReference? _module;
    private bool _mountPending;
    private bool _busy;
    private bool _disposed;
    // The panel's reads stop when it goes (the job moved on, the page closed); a settlement, once asked for, completes.
    private readonly CancellationTokenSource _gone = new();
    private string? _error;

    [Parameter, EditorRequired] public string JobId { get; set; } = "";

    /// <summary>Told each settlement's answer; the job page keeps it, since this panel goes when the job moves on.</summary>
    [Parameter] public EventCallback<ContinueResult> OnSettled { get; set; }

    [Inject] private ConflictDesk Desk { get; set; } = null!;
    [Inject] private StudioActions Actions { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            _files = await Desk.ListAsync(JobId, _gone.Token);
        }
        catch (Exception ex) when (ex is WorkflowConflictException or WorkflowNotFoundException or OperationCanceledException)
        {
            _error = ex.Message;
            _files ??= [];
        }
    }

    private async Task OpenAsync(ConflictedFile file)
    {
        _busy = true;
        _error = null;
        try
        {
            await CloseAsync();
            _open = await Desk.ReadAsync(JobId, file.DepotFile, _gone.Token);
            _mountPending = _open.Text is not null;
        }
        catch (Exception ex) when (ex is WorkflowConflictException or WorkflowNotFoundException or OperationCanceledException)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_mountPending || _open?.Text is not { } text || _disposed) return;
        _mountPending = false;
        try
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", StudioScripts.Conflict);
            await _module.InvokeVoidAsync("mount", _host, text);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            _error = "The editor could not be shown: " + ex.Message;
            StateHasChanged();
        }
    }

    private async Task FillAsync(string text)
    {
        try
        {
            if (_module is not null) await _module.InvokeVoidAsync("setMerged", _host, text);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException)
        {
            _error = ex.Message;
        }
    }

    private async Task CloseAsync()
    {
        var mounted = _open?.Text is not null && _module is not null && !_disposed;
        _open = null;
        if (!mounted) return;
        try
        {
            await _module!.InvokeVoidAsync("dispose", _host);
        }
        catch (Exception ex) when (ex is JSDisconnectedException or ObjectDisposedException)
        {
            // The page or the panel went first, and the editors with it.
        }
    }

    private async Task SettleAsync(ConflictedFile file, SettleChoice choice)
    {
        _busy = true;
        _error = null;
        try
        {
            var merged = choice == SettleChoice.Edit && _module is not null ? await _module.InvokeAsync<string?>("merged", _host) : null;
            var by = ResolveContinuation.By(await Actions.UserNameAsync(), "studio");
            var name = choice.ToString().ToLowerInvariant();
            var result = await Actions.RunAsync(UserAction.Settle, $"{JobId} {file.DepotFile}", () => Desk.SettleAsync(JobId, file.DepotFile, choice, merged, by, CancellationToken.None), name);
            await OnSettled.InvokeAsync(result);
            // The job moved on meanwhile: the page has taken the panel away.
            if (_disposed) return;
            await CloseAsync();
            if (!result.ConflictsResolved) await LoadAsync();
            else _files = [];
        }
        catch (WorkflowInputException ex)
        {
            _error = string.Join(" ", ex.Errors.SelectMany(e => e.Value));
        }
        catch (Exception ex) when (ex is WorkflowConflictException or WorkflowNotFoundException or ActionForbiddenException or JSException)
        {
            _error = ex.Message;
            if (!_disposed) await LoadAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or JSDisconnectedException)
        {
            // The panel or the page went meanwhile; the settlement's outcome is in the job's history.
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _gone.CancelAsync();
        _gone.Dispose();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (Exception ex) when (ex is JSDisconnectedException or ObjectDisposedException)
            {
                // The page is gone with its editors.
            }
        }
        GC.SuppressFinalize(this);
    }
}
