using Microsoft.EntityFrameworkCore;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Workflows.Stores.Ef;

internal sealed partial class EfWorkflowStore : IOutboxStore
{
    public async Task<IReadOnlyList<OutboxMessage>> AddOutboxAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var added = await AddNewOutboxAsync(db, messages, cancellationToken).ConfigureAwait(false);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another writer stored one of the same messages between the check and the insert: keep theirs.
            return await AddOneByOneAsync(messages, cancellationToken).ConfigureAwait(false);
        }
        return added;
    }

    private async Task<IReadOnlyList<OutboxMessage>> AddOneByOneAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var added = new List<OutboxMessage>();
        foreach (var message in messages)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            if (await db.Outbox.AnyAsync(r => r.Id == message.Id, cancellationToken).ConfigureAwait(false)) continue;
            db.Outbox.Add(ToRow(message));
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                added.Add(message);
            }
            catch (DbUpdateException)
            {
                // Stored by the other writer meanwhile.
            }
        }
        return added;
    }

    /// <summary>Adds to <paramref name="db"/> the messages not stored yet (saved by the caller, in its transaction).</summary>
    private static async Task<List<OutboxMessage>> AddNewOutboxAsync(WorkflowDbContext db, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0) return [];
        var ids = messages.Select(m => m.Id).ToList();
        var stored = await db.Outbox.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var added = messages.Where(m => !stored.Contains(m.Id)).DistinctBy(m => m.Id).ToList();
        foreach (var message in added) db.Outbox.Add(ToRow(message));
        return added;
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListDueOutboxAsync(DateTime now, int max, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var pending = nameof(OutboxStatus.Pending);
        var rows = await db.Outbox.AsNoTracking().Where(r => r.Status == pending && r.NextAttemptAt <= now)
            .OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToMessage).ToList();
    }

    public async Task<DateTime?> NextOutboxDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var pending = nameof(OutboxStatus.Pending);
        var next = await db.Outbox.AsNoTracking().Where(r => r.Status == pending).OrderBy(r => r.NextAttemptAt)
            .Select(r => (DateTime?)r.NextAttemptAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return next is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null;
    }

    public async Task<OutboxMessage?> GetOutboxAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToMessage(row);
    }

    public async Task SaveOutboxAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        db.Outbox.Update(ToRow(message));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxPage> QueryOutboxAsync(OutboxQuery query, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = db.Outbox.AsNoTracking();
        if (query.JobId is { } jobId) rows = rows.Where(r => r.JobId == jobId);
        if (query.Channel is { } channel) rows = rows.Where(r => r.Channel == channel);
        if (query.Topic is { } topic) rows = rows.Where(r => r.Topic == topic);
        if (query.Status is { } status) rows = rows.Where(r => r.Status == status.ToString());
        var total = await rows.CountAsync(cancellationToken).ConfigureAwait(false);
        var page = await rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new OutboxPage(page.Select(ToMessage).ToList(), total, query.Page, query.PageSize);
    }

    private static OutboxRow ToRow(OutboxMessage message) => new()
    {
        Id = message.Id,
        Topic = message.Topic,
        Channel = message.Channel,
        JobId = message.JobId,
        Status = message.Status.ToString(),
        CreatedAt = message.CreatedAt,
        NextAttemptAt = message.NextAttemptAt,
        Json = WorkflowJson.Serialize(message),
    };

    private static OutboxMessage ToMessage(OutboxRow row) => WorkflowJson.Deserialize<OutboxMessage>(row.Json);
}
