namespace P4Flow.Studio.Services;

/// <summary>One step of an incident as the Studio shows it.</summary>
public sealed record IncidentStepInfo(string Step, DateTimeOffset At, string Outcome, string Detail);

/// <summary>An incident a recovery playbook handled, as the Studio's Incidents page shows it.</summary>
public sealed record IncidentInfo(string Id, string Playbook, DateTimeOffset StartedAt, string Outcome, string Summary, IReadOnlyList<IncidentStepInfo> Steps);

/// <summary>What the recovery playbooks handled (the host provides it).</summary>
public interface IIncidentList
{
    /// <summary>Newest first.</summary>
    IReadOnlyList<IncidentInfo> List(int limit);
}

/// <summary>A host without playbooks: nothing to list.</summary>
public sealed class NoIncidents : IIncidentList
{
    public IReadOnlyList<IncidentInfo> List(int limit) => [];
}
