using Microsoft.AspNetCore.Components;
using MudBlazor;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Users;

namespace P4Flow.Studio.Components;

/// <summary>Every version of a workflow: view one read-only, or revert (its content becomes the new draft).</summary>
public partial class VersionHistoryDialog
{
    private IReadOnlyList<WorkflowDefinition>? _versions;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = null!;
    [Inject] private IWorkflowStore Store { get; set; } = null!;
    [Inject] private StudioActions Actions { get; set; } = null!;
    [Inject] private WorkflowDefinitionService Definitions { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;

    [Parameter] public string DefinitionId { get; set; } = "";

    /// <returns>The draft a revert made, or null.</returns>
    public static async Task<WorkflowDefinition?> ShowAsync(IDialogService dialogs, string definitionId)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var dialog = await dialogs.ShowAsync<VersionHistoryDialog>($"Versions of {definitionId}",
            new DialogParameters<VersionHistoryDialog> { { d => d.DefinitionId, definitionId } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: WorkflowDefinition draft } ? draft : null;
    }

    protected override async Task OnInitializedAsync() => _versions = await Store.ListVersionsAsync(DefinitionId, CancellationToken.None);

    private async Task RevertAsync(WorkflowDefinition version)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revert", $"Make the content of v{version.Version} the new draft? Unsaved edits in the designer are replaced.", yesText: "Revert", cancelText: "Cancel");
        if (confirmed != true) return;
        var copy = WorkflowJson.Deserialize<WorkflowDefinition>(WorkflowJson.Serialize(version));
        var draft = await Actions.RunAsync(UserAction.Edit, copy.DefinitionId, () => Definitions.SaveDraftAsync(copy, CancellationToken.None));
        Dialog.Close(DialogResult.Ok(draft));
    }
}
