namespace P4Flow.Orchestrator.Incidents;

/// <summary>One step a playbook took, with what came of it.</summary>
/// <param name="Outcome">done, skipped or failed.</param>
public sealed record IncidentStep(string Step, DateTimeOffset At, string Outcome, string Detail);

/// <summary>
/// Something went wrong that P4Flow handled by a named playbook (the seed's 8.3): what it saw, each step it took and
/// how it ended. Listed by GET /api/incidents and the Studio's Incidents page, counted in p4_incidents_total, told
/// through notifications (event `incident`).
/// </summary>
/// <param name="Playbook">MASTER_CRASH, P4_SERVER_DOWN, AGENT_HANG.</param>
/// <param name="Outcome">recovered, failed or open.</param>
public sealed record Incident(string Id, string Playbook, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string Outcome, string Summary, IReadOnlyList<IncidentStep> Steps)
{
    public const string Recovered = "recovered";
    public const string Failed = "failed";
}
