using System.Text.Json.Nodes;

namespace P4Flow.Workflows.Outbox;

/// <summary>
/// A message to deliver outside the engine (a mail, a webhook call), written in the same transaction as the step that
/// caused it so it is never lost, and kept with its delivery record so it is never sent twice: its id is the
/// idempotency key a receiver deduplicates on.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Made from what caused the message (job, event, channel), so writing the same message twice keeps one.</summary>
    public string Id { get; set; } = "";
    /// <summary>What happened, e.g. needs_resolve or failed.</summary>
    public string Topic { get; set; } = "";
    /// <summary>The channel that delivers it.</summary>
    public string Channel { get; set; } = "";
    public string? JobId { get; set; }
    public JsonObject Payload { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public OutboxStatus Status { get; set; }
    /// <summary>When the next attempt is due (pending messages only).</summary>
    public DateTime NextAttemptAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    /// <summary>Who it went to (addresses or a URL's host), once known.</summary>
    public List<string> Recipients { get; set; } = [];
    public List<OutboxAttempt> Attempts { get; set; } = [];
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<OutboxStatus>))]
public enum OutboxStatus
{
    Pending,
    Sent,
    /// <summary>Every attempt failed; kept with its attempts for a person to read.</summary>
    Failed,
}

/// <summary>One try at delivering a message; <see cref="Error"/> is null when it went through.</summary>
public sealed record OutboxAttempt(DateTime At, string? Error);

public sealed record OutboxQuery(string? JobId = null, string? Channel = null, OutboxStatus? Status = null, string? Topic = null, int Page = 1, int PageSize = 50);

public sealed record OutboxPage(IReadOnlyList<OutboxMessage> Items, int Total, int Page, int PageSize);
