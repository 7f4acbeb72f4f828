using Microsoft.AspNetCore.Components;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Pages.Incidents;

/// <summary>The incidents the recovery playbooks handled (<see cref="IIncidentList"/>), each with its steps.</summary>
public partial class IncidentList
{
    private IReadOnlyList<IncidentInfo>? _incidents;

    [Inject] private IIncidentList Incidents { get; set; } = null!;

    protected override void OnInitialized() => _incidents = Incidents.List(200);
}
