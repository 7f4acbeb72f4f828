using Microsoft.AspNetCore.Components;
using MudBlazor;
using P4Flow.Studio.Components;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Pages.Agents;

/// <summary>The agents the hub knows (through <see cref="IAgentDirectory"/>), refreshed whenever it says something changed.</summary>
public partial class AgentList : IDisposable
{
    private IReadOnlyList<AgentInfo>? _agents;

    [Inject] private IAgentDirectory Directory { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;

    private Task AddAgentAsync() => AddAgentDialog.ShowAsync(Dialogs);

    protected override async Task OnInitializedAsync()
    {
        Directory.Changed += OnChanged;
        _agents = await Directory.ListAsync(CancellationToken.None);
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
