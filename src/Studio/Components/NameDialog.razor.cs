using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace P4Flow.Studio.Components;

/// <summary>Asks for a workflow's name and definition id (derived from the name until edited).</summary>
public partial class NameDialog
{
    private static readonly Regex IdPattern = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.None, TimeSpan.FromMilliseconds(100));

    private string _name = "";
    private string _id = "";
    private bool _idEdited;
    private string? _idError;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = null!;
    [Parameter] public string SubmitText { get; set; } = "OK";
    [Parameter] public string? InitialName { get; set; }
    [Parameter] public string? InitialId { get; set; }

    public sealed record Answer(string Name, string DefinitionId);

    private bool IsValid => !string.IsNullOrWhiteSpace(_name) && _idError is null && _id.Length > 0;

    public static async Task<Answer?> AskAsync(IDialogService dialogs, string title, string submitText, string? name, string? id)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var parameters = new DialogParameters<NameDialog>
        {
            { d => d.SubmitText, submitText },
            { d => d.InitialName, name },
            { d => d.InitialId, id },
        };
        var dialog = await dialogs.ShowAsync<NameDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: Answer answer } ? answer : null;
    }

    protected override void OnInitialized()
    {
        _name = InitialName ?? "";
        _id = InitialId ?? "";
        _idEdited = InitialId is not null;
        Check();
    }

    private void NameChanged(string value)
    {
        _name = value ?? "";
        if (!_idEdited) _id = Slug(_name);
        Check();
    }

    private void IdChanged(string value)
    {
        _id = value?.Trim() ?? "";
        _idEdited = true;
        Check();
    }

    private void Check() => _idError = _id.Length == 0 || IdPattern.IsMatch(_id) ? null : "Use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit.";

    private void Cancel() => Dialog.Cancel();

    private void Submit()
    {
        if (IsValid) Dialog.Close(DialogResult.Ok(new Answer(_name.Trim(), _id)));
    }

    internal static string Slug(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name.Trim().ToUpperInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) builder.Append(char.ToLowerInvariant(c));
            else if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
        }
        var slug = builder.ToString().Trim('-');
        return slug.Length > 100 ? slug[..100] : slug;
    }
}
