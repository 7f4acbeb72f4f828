namespace P4Flow.Workflows.Outbox;

/// <summary>The outbox of the workflow store: messages a step committed, and their delivery records.</summary>
public interface IOutboxStore
{
    /// <summary>Adds messages outside a step; one whose id is stored already is left as it is.</summary>
    /// <returns>The messages that were new.</returns>
    Task<IReadOnlyList<OutboxMessage>> AddOutboxAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>Pending messages whose next attempt is due at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListDueOutboxAsync(DateTime now, int max, CancellationToken cancellationToken);

    /// <summary>When the next pending message is due, or null when none is pending.</summary>
    Task<DateTime?> NextOutboxDueAsync(CancellationToken cancellationToken);

    Task<OutboxMessage?> GetOutboxAsync(string id, CancellationToken cancellationToken);

    /// <summary>Records a delivery attempt (status, attempts, recipients) of a stored message.</summary>
    Task SaveOutboxAsync(OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<OutboxPage> QueryOutboxAsync(OutboxQuery query, CancellationToken cancellationToken);
}
