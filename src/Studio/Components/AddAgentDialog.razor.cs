using Microsoft.AspNetCore.Components;
using MudBlazor;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Components;

/// <summary>Enrols a build host over SSH and lists each step as it happens.</summary>
public partial class AddAgentDialog : IDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private string? _host, _user = "root", _keyRef, _agentName, _labels, _fingerprint;
    private string _strategy = "";
    private int _port = 22;
    private bool _running;
    private EnrolmentProgress? _progress;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = null!;
    [Inject] private IAgentEnrolment Enrolment { get; set; } = null!;
    [Inject] private Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider Authentication { get; set; } = null!;

    public static async Task ShowAsync(IDialogService dialogs)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var dialog = await dialogs.ShowAsync<AddAgentDialog>((string?)null, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        await dialog.Result;
    }

    private bool Has(string field) => _progress?.FieldErrors?.ContainsKey(field) == true;

    private string? Error(string field) => _progress?.FieldErrors?.GetValueOrDefault(field)?.FirstOrDefault();

    /// <summary>Each step once, in the state it last reported.</summary>
    private static IEnumerable<EnrolmentStep> Latest(IReadOnlyList<EnrolmentStep> steps) =>
        steps.GroupBy(s => s.Step).Select(g => g.Last());

    private async Task StartAsync()
    {
        _running = true;
        _progress = null;
        var labels = (_labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var form = new EnrolmentForm(_host, _port, _user, _keyRef, _agentName, labels, _strategy.Length == 0 ? null : _strategy, _fingerprint);
        try
        {
            // The audit names who asked: the signed-in user of this circuit.
            var user = (await Authentication.GetAuthenticationStateAsync()).User.Identity?.Name ?? "studio";
            await foreach (var progress in Enrolment.EnrolAsync(form, user, _closed.Token))
            {
                _progress = progress;
                StateHasChanged();
            }
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            // The dialog closed; the bootstrap goes on and its outcome is in the audit log and GET /api/agents/operations.
        }
        finally
        {
            _running = false;
        }
    }

    private void Close() => Dialog.Close();

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        GC.SuppressFinalize(this);
    }
}
