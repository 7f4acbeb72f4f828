using System.Text.Json.Nodes;

namespace P4Flow.Orchestrator.Audit;

/// <summary>What GET /api/audit asks for: filters (all optional) and a page, newest first.</summary>
public sealed record AuditQuery(string? EventType, string? User, string? AgentId, DateTimeOffset? Since, DateTimeOffset? Until, int Page, int PageSize);

/// <param name="Partial">Set when the page is not the whole log (a cluster's database away): what it lacks.</param>
public sealed record AuditPage(IReadOnlyList<JsonObject> Items, int Total, int Page, int PageSize, string? Partial = null);

/// <summary>Reads the audit log: this node's files on one node (<see cref="FileAuditReader"/>), the whole cluster's in a cluster.</summary>
public interface IAuditReader
{
    Task<AuditPage> ReadAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>The audit log's files, oldest first, filtered and paged in memory (one node's log).</summary>
public sealed class FileAuditReader(AuditLog audit) : IAuditReader
{
    public Task<AuditPage> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var matches = Lines()
            .Where(e => query.EventType is null || Text(e, "event_type") == query.EventType)
            .Where(e => query.User is null || Text(e, "user") == query.User)
            .Where(e => query.AgentId is null || Text(e, "agent_id") == query.AgentId)
            .Where(e => query.Since is null || When(e) >= query.Since)
            .Where(e => query.Until is null || When(e) <= query.Until)
            .Reverse()
            .ToList();
        return Task.FromResult(new AuditPage([.. matches.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)], matches.Count, query.Page, query.PageSize));
    }

    private IEnumerable<JsonObject> Lines()
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

    private static string? Text(JsonObject entry, string key) => entry[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static DateTimeOffset? When(JsonObject entry) =>
        Text(entry, "timestamp") is { } t && DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
