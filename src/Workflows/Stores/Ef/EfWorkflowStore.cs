using Microsoft.EntityFrameworkCore;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Stores.Ef;

/// <summary>The relational store (SQLite by default); each commit is one transaction.</summary>
internal sealed partial class EfWorkflowStore(IDbContextFactory<WorkflowDbContext> contexts) : IWorkflowStore
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (db.Database.IsSqlite())
        {
            var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(source));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        await SchemaUpgrade.PrepareAsync(db, cancellationToken).ConfigureAwait(false);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkflowDefinition?> GetDefinitionAsync(string definitionId, int? version, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = db.Definitions.AsNoTracking().Where(r => r.DefinitionId == definitionId);
        rows = version is null ? rows.Where(r => r.IsLatest) : rows.Where(r => r.Version == version);
        var row = await rows.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDefinition(row);
    }

    public async Task<WorkflowDefinition?> GetPublishedDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Definitions.AsNoTracking().FirstOrDefaultAsync(r => r.DefinitionId == definitionId && r.IsPublished, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDefinition(row);
    }

    public async Task<IReadOnlyList<WorkflowDefinition>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Definitions.AsNoTracking().Where(r => r.DefinitionId == definitionId).OrderBy(r => r.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDefinition).ToList();
    }

    public async Task<IReadOnlyList<WorkflowDefinition>> ListDefinitionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Definitions.AsNoTracking().Where(r => r.IsLatest).OrderBy(r => r.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDefinition).ToList();
    }

    public async Task SaveDefinitionAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var others = await db.Definitions.Where(r => r.DefinitionId == definition.DefinitionId).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var other in others.Where(o => o.Version != definition.Version))
        {
            if (!(definition.IsLatest && other.IsLatest) && !(definition.IsPublished && other.IsPublished)) continue;
            var stored = ToDefinition(other);
            stored.IsLatest &= !definition.IsLatest;
            stored.IsPublished &= !definition.IsPublished;
            Fill(other, stored);
        }
        var row = others.FirstOrDefault(o => o.Version == definition.Version);
        if (row is null)
        {
            row = new DefinitionRow();
            db.Definitions.Add(row);
        }
        Fill(row, definition);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> DeleteDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Definitions.Where(r => r.DefinitionId == definitionId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task CreateInstanceAsync(WorkflowInstance instance, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        db.Instances.Add(ToRow(instance));
        foreach (var bookmark in instance.Bookmarks) db.Bookmarks.Add(ToRow(bookmark));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task CommitAsync(WorkflowInstance instance, StepChanges changes, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var expected = instance.Revision;
        instance.Revision = expected + 1;
        var row = ToRow(instance);
        db.Instances.Attach(row).State = EntityState.Modified;
        db.Entry(row).Property(r => r.Revision).OriginalValue = expected;

        foreach (var record in changes.AddedExecutions) db.Executions.Add(ToRow(record));
        foreach (var record in changes.UpdatedExecutions) db.Executions.Update(ToRow(record));
        if (changes.CancelledExecutionIds.Count > 0)
        {
            var cancelled = await db.Executions.Where(r => changes.CancelledExecutionIds.Contains(r.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var executionRow in cancelled)
            {
                var record = WorkflowJson.Deserialize<ActivityExecutionRecord>(executionRow.Json);
                record.Status = ExecutionStatus.Cancelled;
                record.CompletedAt ??= instance.UpdatedAt;
                executionRow.Status = record.Status.ToString();
                executionRow.Json = WorkflowJson.Serialize(record);
            }
        }
        foreach (var bookmark in changes.AddedBookmarks) db.Bookmarks.Add(ToRow(bookmark));
        foreach (var id in changes.RemovedBookmarkIds) db.Bookmarks.Remove(new BookmarkRow { Id = id });
        await AddNewOutboxAsync(db, changes.Outbox, cancellationToken).ConfigureAwait(false);

        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            instance.Revision = expected;
            throw new ConcurrencyException(instance.Id);
        }
    }

    public async Task<WorkflowInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Instances.AsNoTracking().FirstOrDefaultAsync(r => r.Id == instanceId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToInstance(row);
    }

    public async Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = Matching(db, query);
        var total = await rows.CountAsync(cancellationToken).ConfigureAwait(false);
        var ordered = query.After is { } after
            ? After(rows, after)
            : rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Skip((query.Page - 1) * query.PageSize);
        var page = await ordered.Take(query.PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new InstancePage(page.Select(ToInstance).ToList(), total, query.Page, query.PageSize);
    }

    public async Task<IReadOnlyList<InstanceRevision>> QueryRevisionsAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var after = query.After ?? throw new ArgumentException("Revisions are paged by keyset: After must be set.", nameof(query));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await After(Matching(db, query), after).Take(query.PageSize)
            .Select(r => new InstanceRevision(r.Id, r.Revision)).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The instance rows the query's filters select.</summary>
    private static IQueryable<InstanceRow> Matching(WorkflowDbContext db, InstanceQuery query)
    {
        var rows = db.Instances.AsNoTracking();
        if (query.Status is { } status) rows = rows.Where(r => r.Status == status.ToString());
        if (query.Stage is { } stage) rows = rows.Where(r => r.CurrentStage == stage);
        if (query.DefinitionId is { } definitionId) rows = rows.Where(r => r.DefinitionId == definitionId);
        return rows;
    }

    /// <summary>
    /// The keyset page's rows: ids above <paramref name="after"/>, in id order. string.Compare is what EF translates to
    /// SQL's "Id > @after"; the database compares ids bytewise (SQLite's BINARY collation), which is the ordinal order
    /// the memory store uses.
    /// </summary>
#pragma warning disable CA1309
    private static IQueryable<InstanceRow> After(IQueryable<InstanceRow> rows, string after) =>
        rows.Where(r => string.Compare(r.Id, after) > 0).OrderBy(r => r.Id);
#pragma warning restore CA1309

    /// <summary>The statuses of an unfinished instance.</summary>
    private static readonly string[] Live = [nameof(WorkflowStatus.Pending), nameof(WorkflowStatus.Running), nameof(WorkflowStatus.Suspended)];

    public async Task<IReadOnlyList<WorkflowInstance>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Instances.AsNoTracking().Where(r => Live.Contains(r.Status)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToInstance).ToList();
    }

    public async Task<IReadOnlyDictionary<string, int>> ListUnfinishedRevisionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Instances.AsNoTracking().Where(r => Live.Contains(r.Status))
            .ToDictionaryAsync(r => r.Id, r => r.Revision, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WorkflowInstance>> GetInstancesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Instances.AsNoTracking().Where(r => instanceIds.Contains(r.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToInstance).ToList();
    }

    public async Task<IReadOnlyList<ActivityExecutionRecord>> ListExecutionsAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Executions.AsNoTracking().Where(r => r.InstanceId == instanceId).OrderBy(r => r.Sequence).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(r => WorkflowJson.Deserialize<ActivityExecutionRecord>(r.Json)).ToList();
    }

    public async Task<ActivityExecutionRecord?> GetExecutionAsync(string executionId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Executions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == executionId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : WorkflowJson.Deserialize<ActivityExecutionRecord>(row.Json);
    }

    public async Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Bookmarks.AsNoTracking().Where(r => r.Hash == hash).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(r => WorkflowJson.Deserialize<Bookmark>(r.Json)).ToList();
    }

    private static WorkflowDefinition ToDefinition(DefinitionRow row) => WorkflowJson.Deserialize<WorkflowDefinition>(row.Json);

    private static void Fill(DefinitionRow row, WorkflowDefinition definition)
    {
        row.DefinitionId = definition.DefinitionId;
        row.Version = definition.Version;
        row.Name = definition.Name;
        row.IsLatest = definition.IsLatest;
        row.IsPublished = definition.IsPublished;
        row.CreatedAt = definition.CreatedAt.UtcDateTime;
        row.Json = WorkflowJson.Serialize(definition);
    }

    private static InstanceRow ToRow(WorkflowInstance instance) => new()
    {
        Id = instance.Id,
        DefinitionId = instance.DefinitionId,
        DefinitionVersion = instance.DefinitionVersion,
        Status = instance.Status.ToString(),
        CurrentStage = instance.CurrentStage,
        CreatedAt = instance.CreatedAt,
        UpdatedAt = instance.UpdatedAt,
        Revision = instance.Revision,
        Json = WorkflowJson.Serialize(instance),
    };

    private static WorkflowInstance ToInstance(InstanceRow row)
    {
        var instance = WorkflowJson.Deserialize<WorkflowInstance>(row.Json);
        instance.Revision = row.Revision;
        return instance;
    }

    private static ExecutionRow ToRow(ActivityExecutionRecord record) => new()
    {
        Id = record.Id,
        InstanceId = record.InstanceId,
        Sequence = record.Sequence,
        ActivityId = record.ActivityId,
        Status = record.Status.ToString(),
        Json = WorkflowJson.Serialize(record),
    };

    private static BookmarkRow ToRow(Bookmark bookmark) => new()
    {
        Id = bookmark.Id,
        Hash = bookmark.Hash,
        InstanceId = bookmark.InstanceId,
        Json = WorkflowJson.Serialize(bookmark),
    };
}
