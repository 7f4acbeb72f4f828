using Microsoft.EntityFrameworkCore;
using P4Flow.Workflows.Stores.Ef;

namespace P4Flow.Cluster;

/// <summary>A stored document and the revision it was read at (0: there is none yet).</summary>
public sealed record SharedDocument(string? Json, int Revision);

/// <summary>
/// Documents in the state database that every orchestrator on it reads and writes. A write names the revision it was
/// based on and is refused when another writer moved it since: the caller reads again and redoes its change.
/// Reads and writes are synchronous, for callers (the credential checks) that are.
/// </summary>
public sealed class SharedDocuments(IDbContextFactory<SharedStateDbContext> contexts, TimeProvider clock)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await SchemaUpgrade.PrepareAsync(db, cancellationToken).ConfigureAwait(false);
    }

    public SharedDocument Read(string name)
    {
        using var db = contexts.CreateDbContext();
        var row = db.Documents.AsNoTracking().FirstOrDefault(d => d.Name == name);
        return row is null ? new SharedDocument(null, 0) : new SharedDocument(row.Json, row.Revision);
    }

    /// <returns>False when the document is no longer at <paramref name="basis"/> (another writer was first).</returns>
    public bool TryWrite(string name, string json, int basis)
    {
        using var db = contexts.CreateDbContext();
        var now = clock.GetUtcNow().UtcDateTime;
        if (basis == 0)
        {
            db.Documents.Add(new SharedDocumentRow { Name = name, Json = json, Revision = 1, UpdatedAt = now });
        }
        else
        {
            var row = new SharedDocumentRow { Name = name, Json = json, Revision = basis + 1, UpdatedAt = now };
            db.Documents.Attach(row).State = EntityState.Modified;
            db.Entry(row).Property(r => r.Revision).OriginalValue = basis;
        }
        try
        {
            db.SaveChanges();
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another writer moved it past the basis.
            return false;
        }
        catch (DbUpdateException) when (basis == 0 && Read(name).Revision > 0)
        {
            // Another writer made the first one at the same moment (the key's unique violation).
            return false;
        }
    }
}
