using Microsoft.AspNetCore.Components;
using MudBlazor;
using P4Flow.Studio.Components;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Pages.Agents;

/// <summary>The agents the hub knows (through <see cref="IAgentDirectory"/>), refreshed whenever it says something changed.</summary>
public partial class AgentList : IDisposable
{
    private IReadOnlyList<AgentInfo>? _agents;

    // Set after the first interactive render only: a prerendered page is not listening yet and drops clicks.
    private bool _ready;
    private bool _busy;
    private string? _error;

    [Inject] private IAgentDirectory Directory { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private StudioActions Actions { get; set; } = null!;
    [Inject] private IOperationsControl Operations { get; set; } = null!;

    private bool _paused;

    private Task AddAgentAsync() => AddAgentDialog.ShowAsync(Dialogs);

    /// <summary>The operator's pause: the banner on every page says so and resumes.</summary>
    private async Task PauseAllAsync()
    {
        try
        {
            _paused = Operations.Pause(await Actions.UserNameAsync(), "paused from the Studio's Agents page").Paused;
        }
        catch (InvalidOperationException ex)
        {
            _error = ex.Message;
        }
    }

    /// <summary>Drain (no new jobs, current ones finish) or undrain; the list updates from the directory's change.</summary>
    private async Task SetDrainingAsync(string agentId, bool draining)
    {
        _busy = true;
        _error = null;
        try
        {
            await Directory.SetDrainingAsync(agentId, draining, await Actions.UserNameAsync(), CancellationToken.None);
            _agents = await Directory.ListAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is P4Flow.Workflows.State.WorkflowNotFoundException or InvalidOperationException)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    protected override async Task OnInitializedAsync()
    {
        _paused = Operations.Current.Paused;
        Operations.Changed += OnPauseChanged;
        Directory.Changed += OnChanged;
        _agents = await Directory.ListAsync(CancellationToken.None);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!_ready && _agents is not null)
        {
            _ready = true;
            StateHasChanged();
        }
    }

    private void OnChanged(object? sender, EventArgs e) => _ = InvokeAsync(async () =>
    {
        _agents = await Directory.ListAsync(CancellationToken.None);
        StateHasChanged();
    });

    private void OnPauseChanged(object? sender, EventArgs e) => _ = InvokeAsync(() =>
    {
        _paused = Operations.Current.Paused;
        StateHasChanged();
    });

    public void Dispose()
    {
        Operations.Changed -= OnPauseChanged;
        Directory.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
