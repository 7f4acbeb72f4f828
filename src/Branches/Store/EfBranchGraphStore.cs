using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using P4Flow.Branches.Graph;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores.Ef;

namespace P4Flow.Branches.Store;

/// <summary>The graph in the orchestrator's database (table branch_graph, one row), beside the engine's tables.</summary>
internal sealed class EfBranchGraphStore(IDbContextFactory<BranchDbContext> contexts, TimeProvider clock) : IBranchGraphStore
{
    private const int GraphId = 1;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        // The engine made the database: the bot's tables go beside its own.
        await SchemaUpgrade.PrepareAsync(db, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredGraph> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Graphs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == GraphId, cancellationToken).ConfigureAwait(false);
        return row is null ? new StoredGraph(BranchGraph.Empty, 0, DateTime.MinValue, null, null) : ToStored(row);
    }

    public async Task<StoredGraph> SaveAsync(BranchGraph graph, int? expectedRevision, string? by, string? sourceHash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Graphs.FirstOrDefaultAsync(r => r.Id == GraphId, cancellationToken).ConfigureAwait(false);
        var revision = row?.Revision ?? 0;
        if (expectedRevision is { } expected && expected != revision)
            throw new WorkflowConflictException($"The branch graph is at revision {revision}, not {expected}: someone saved it meanwhile; read it again.");
        if (row is null) db.Graphs.Add(row = new BranchGraphRow { Id = GraphId });
        row.Json = JsonSerializer.Serialize(graph, Json);
        row.Revision = revision + 1;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = by;
        row.SourceHash = sourceHash;
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException) when (expectedRevision is not null)
        {
            throw new WorkflowConflictException("The branch graph was saved by someone else meanwhile; read it again.");
        }
        return ToStored(row);
    }

    private static StoredGraph ToStored(BranchGraphRow row) =>
        new(JsonSerializer.Deserialize<BranchGraph>(row.Json, Json) ?? BranchGraph.Empty, row.Revision, DateTime.SpecifyKind(row.UpdatedAt, DateTimeKind.Utc), row.UpdatedBy, row.SourceHash);
}
