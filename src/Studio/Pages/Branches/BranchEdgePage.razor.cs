using Microsoft.AspNetCore.Components;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Pages.Branches;

/// <summary>One edge's changes in changelist order: its queue and its history, each with its job, its change on the target and why.</summary>
public partial class BranchEdgePage
{
    /// <summary>The most changes the page lists.</summary>
    private const int Limit = 500;

    private IReadOnlyList<BranchChangeInfo>? _changes;

    [Parameter] public string Source { get; set; } = "";
    [Parameter] public string Target { get; set; } = "";
    [Inject] private IBranchGraphView Graphs { get; set; } = null!;

    private string EdgeId => $"{Source} -> {Target}";

    protected override async Task OnParametersSetAsync() => _changes = await Graphs.ChangesAsync(EdgeId, Limit, CancellationToken.None);
}
