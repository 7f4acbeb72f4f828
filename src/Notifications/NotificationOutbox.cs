using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications;

/// <summary>Told that messages are waiting in the outbox, so delivery starts at once rather than at its next round.</summary>
public interface IDeliveryTrigger
{
    void DeliverSoon();
}

/// <summary>
/// Turns an event into outbox messages, one per channel `notifications.events` routes it to. Each message's id is made
/// from the event's key and the channel, so raising the same event again (a retried step, a second node) adds nothing.
/// </summary>
public sealed class NotificationOutbox(IOptions<NotificationOptions> options, IOutboxStore store, IDeliveryTrigger trigger, TimeProvider clock)
{
    public NotificationOptions Options => options.Value;

    /// <summary>Whether any channel takes the topic: events nobody listens to are not even built.</summary>
    public bool Routes(string topic) => options.Value.Events.TryGetValue(topic, out var channels) && channels.Count > 0;

    /// <param name="eventKey">What makes this event itself: the same key for the same occurrence, another for the next.</param>
    public IReadOnlyList<OutboxMessage> MessagesFor(string topic, string eventKey, string? jobId, JsonObject payload)
    {
        if (!options.Value.Events.TryGetValue(topic, out var channels)) return [];
        var now = clock.GetUtcNow().UtcDateTime;
        payload["event"] = topic;
        payload["at"] = now;
        return channels.Distinct(StringComparer.Ordinal).Select(channel => new OutboxMessage
        {
            Id = $"{eventKey}/{channel}",
            Topic = topic,
            Channel = channel,
            JobId = jobId,
            Payload = (JsonObject)payload.DeepClone(),
            CreatedAt = now,
            NextAttemptAt = now,
            Status = OutboxStatus.Pending,
        }).ToList();
    }

    /// <summary>Writes an event that no step of a job caused (an agent lost, an alert, a Continue that found conflicts).</summary>
    /// <returns>How many messages were new.</returns>
    public async Task<int> RaiseAsync(string topic, string eventKey, string? jobId, JsonObject payload, CancellationToken cancellationToken)
    {
        var messages = MessagesFor(topic, eventKey, jobId, payload);
        if (messages.Count == 0) return 0;
        var added = await store.AddOutboxAsync(messages, cancellationToken).ConfigureAwait(false);
        if (added.Count > 0) trigger.DeliverSoon();
        return added.Count;
    }
}
