using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using P4Flow.Orchestrator.Audit;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Security;

internal static class AuditEndpoints
{
    private const int MaxPageSize = 500;

    public sealed record AuditPage(IReadOnlyList<JsonObject> Items, int Total, int Page, int PageSize);

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit", (
            [FromQuery(Name = "event_type")] string? eventType,
            string? user,
            [FromQuery(Name = "agent_id")] string? agentId,
            string? since,
            string? until,
            int? page,
            int? pageSize,
            AuditLog audit) =>
        {
            var from = Instant("since", since);
            var to = Instant("until", until);
            if (from is not null && to is not null && from > to) throw new WorkflowInputException("until", "until must not be before since.");
            if (eventType is not null && !System.Text.RegularExpressions.Regex.IsMatch(eventType, "^[A-Z_]{1,64}$"))
                throw new WorkflowInputException("event_type", $"event_type is an upper-case name such as JOB_STARTED (got '{eventType}').");
            if (page is < 1) throw new WorkflowInputException("page", "page starts at 1.");
            if (pageSize is < 1 or > MaxPageSize) throw new WorkflowInputException("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");

            var matches = Read(audit)
                .Where(e => eventType is null || Text(e, "event_type") == eventType)
                .Where(e => user is null || Text(e, "user") == user)
                .Where(e => agentId is null || Text(e, "agent_id") == agentId)
                .Where(e => from is null || When(e) >= from)
                .Where(e => to is null || When(e) <= to)
                .Reverse()
                .ToList();
            var (number, size) = (page ?? 1, pageSize ?? 100);
            return new AuditPage(matches.Skip((number - 1) * size).Take(size).ToList(), matches.Count, number, size);
        }).RequireAuthorization(Roles.Admin).WithTags("Audit")
        .WithSummary("The audit log, newest first; filter by event_type, user, agent_id and since/until (ISO 8601).");

    private static IEnumerable<JsonObject> Read(AuditLog audit)
    {
        foreach (var file in audit.Files())
        {
            // The log is being appended to: share it with the writer.
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                JsonObject? entry = null;
                try
                {
                    entry = JsonNode.Parse(line) as JsonObject;
                }
                catch (System.Text.Json.JsonException)
                {
                    // A line cut short by a crash: the rest of the log still counts.
                }
                if (entry is not null) yield return entry;
            }
        }
    }

    private static DateTimeOffset? Instant(string field, string? text)
    {
        if (text is null) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new WorkflowInputException(field, $"{field} must be a date and time such as 2026-01-02T10:30:45Z (got '{text}').");
    }

    private static string? Text(JsonObject entry, string key) => entry[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static DateTimeOffset? When(JsonObject entry) =>
        Text(entry, "timestamp") is { } t && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
