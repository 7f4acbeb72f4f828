using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using P4Flow.Orchestrator.Audit;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Security;

internal static class AuditEndpoints
{
    private const int MaxPageSize = 500;

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit", async (
            [FromQuery(Name = "event_type")] string? eventType,
            string? user,
            [FromQuery(Name = "agent_id")] string? agentId,
            string? since,
            string? until,
            int? page,
            int? pageSize,
            IAuditReader audit,
            CancellationToken cancellationToken) =>
        {
            var from = Instant("since", since);
            var to = Instant("until", until);
            if (from is not null && to is not null && from > to) throw new WorkflowInputException("until", "until must not be before since.");
            if (eventType is not null && !System.Text.RegularExpressions.Regex.IsMatch(eventType, "^[A-Z_]{1,64}$"))
                throw new WorkflowInputException("event_type", $"event_type is an upper-case name such as JOB_STARTED (got '{eventType}').");
            if (page is < 1) throw new WorkflowInputException("page", "page starts at 1.");
            if (pageSize is < 1 or > MaxPageSize) throw new WorkflowInputException("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
            return await audit.ReadAsync(new AuditQuery(eventType, user, agentId, from, to, page ?? 1, pageSize ?? 100), cancellationToken).ConfigureAwait(false);
        }).RequireAuthorization(Roles.Admin).WithTags("Audit")
        .WithSummary("The audit log, newest first; filter by event_type, user, agent_id and since/until (ISO 8601). In a cluster, every node's, each line with its node.");

    private static DateTimeOffset? Instant(string field, string? text)
    {
        if (text is null) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new WorkflowInputException(field, $"{field} must be a date and time such as 2026-01-02T10:30:45Z (got '{text}').");
    }
}
