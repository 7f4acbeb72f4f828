using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Workflows.Stores;

public sealed partial class MemoryWorkflowStore : IOutboxStore
{
    private readonly Dictionary<string, string> _outbox = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<OutboxMessage>> AddOutboxAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<OutboxMessage>>(AddNewOutbox(messages));
    }

    /// <summary>Called under the gate.</summary>
    private List<OutboxMessage> AddNewOutbox(IReadOnlyList<OutboxMessage> messages)
    {
        var added = new List<OutboxMessage>();
        foreach (var message in messages)
        {
            if (!_outbox.TryAdd(message.Id, WorkflowJson.Serialize(message))) continue;
            added.Add(message);
        }
        return added;
    }

    public Task<IReadOnlyList<OutboxMessage>> ListDueOutboxAsync(DateTime now, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutboxMessage>>(AllOutbox().Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id, StringComparer.Ordinal).Take(max).ToList());

    public Task<DateTime?> NextOutboxDueAsync(CancellationToken cancellationToken) =>
        Task.FromResult(AllOutbox().Where(m => m.Status == OutboxStatus.Pending).Select(m => (DateTime?)m.NextAttemptAt).Min());

    public Task<OutboxMessage?> GetOutboxAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_outbox.TryGetValue(id, out var json) ? WorkflowJson.Deserialize<OutboxMessage>(json) : null);
    }

    public Task SaveOutboxAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_outbox.ContainsKey(message.Id)) throw new InvalidOperationException($"Outbox message {message.Id} is not stored.");
            _outbox[message.Id] = WorkflowJson.Serialize(message);
        }
        return Task.CompletedTask;
    }

    public Task<OutboxPage> QueryOutboxAsync(OutboxQuery query, CancellationToken cancellationToken)
    {
        var matching = AllOutbox()
            .Where(m => query.JobId is null || m.JobId == query.JobId)
            .Where(m => query.Channel is null || m.Channel == query.Channel)
            .Where(m => query.Topic is null || m.Topic == query.Topic)
            .Where(m => query.Status is null || m.Status == query.Status)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id, StringComparer.Ordinal).ToList();
        return Task.FromResult(new OutboxPage(matching.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList(), matching.Count, query.Page, query.PageSize));
    }

    private List<OutboxMessage> AllOutbox()
    {
        lock (_gate) return _outbox.Values.Select(WorkflowJson.Deserialize<OutboxMessage>).ToList();
    }
}
