using Microsoft.EntityFrameworkCore;

namespace P4Flow.Workflows.Stores.Ef;

/// <summary>
/// Creates the tables and indexes a newer version added to a database an older one made (EnsureCreated does nothing
/// to an existing database): each CREATE of the context's model script, made conditional. For any context that keeps
/// its tables in the orchestrator's database beside the engine's.
/// </summary>
public static class SchemaUpgrade
{
    public static async Task CreateMissingAsync(DbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var statement in db.Database.GenerateCreateScript().Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var conditional = statement
                .Replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", StringComparison.Ordinal)
                .Replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", StringComparison.Ordinal)
                .Replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", StringComparison.Ordinal);
            await db.Database.ExecuteSqlRawAsync(conditional, cancellationToken).ConfigureAwait(false);
        }
    }
}
