using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications.Channels;

/// <summary>One way of delivering a message. Throws when it was not delivered; the caller retries later.</summary>
internal interface INotificationChannel
{
    /// <summary>Whether the channel writes to people (so the job's people must be found first).</summary>
    bool ToPeople { get; }

    /// <param name="recipients">Addresses, for a channel that writes to people.</param>
    /// <returns>Where it went, as the delivery record shows it (addresses, or the receiver's host).</returns>
    Task<IReadOnlyList<string>> SendAsync(OutboxMessage message, RenderedMessage text, IReadOnlyList<string> recipients, CancellationToken cancellationToken);
}
