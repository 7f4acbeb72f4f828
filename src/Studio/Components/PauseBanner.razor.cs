using Microsoft.AspNetCore.Components;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Components;

/// <summary>The operator's pause (<see cref="IOperationsControl"/>) shown to everyone, live; admins resume from it.</summary>
public partial class PauseBanner : IDisposable
{
    private PauseInfo _pause = new(false, null, null, null, 0);

    [Inject] private IOperationsControl Operations { get; set; } = null!;
    [Inject] private StudioActions Actions { get; set; } = null!;

    protected override void OnInitialized()
    {
        _pause = Operations.Current;
        Operations.Changed += OnChanged;
    }

    private async Task ResumeAsync() => _pause = Operations.Resume(await Actions.UserNameAsync());

    private void OnChanged(object? sender, EventArgs e) => _ = InvokeAsync(() =>
    {
        _pause = Operations.Current;
        StateHasChanged();
    });

    public void Dispose()
    {
        Operations.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
