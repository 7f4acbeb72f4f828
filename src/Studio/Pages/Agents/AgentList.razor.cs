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

    [Inject] private IAgentDirectory Directory { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;

    private Task AddAgentAsync() => AddAgentDialog.ShowAsync(Dialogs);

    protected override async Task OnInitializedAsync()
    {
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

    public void Dispose()
    {
        Directory.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
