using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace P4Flow.Workflows.Stores.Ef;

/// <summary>
/// Brings a context's tables to what this version needs, keeping their rows. Where the context has migrations (the
/// orchestrator's: src/Migrations, one set per database), they are applied in order; a database made before there were
/// migrations (by EnsureCreated) is first given the first migration's tables and indexes it lacks and recorded at
/// that migration, so the later ones apply to it as to any. A context without migrations (the engine in a test, the
/// bot in memory) is created whole, its missing tables and indexes added to an older database.
/// </summary>
public static class SchemaUpgrade
{
    public static async Task PrepareAsync(DbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var migrations = db.Database.GetMigrations().ToList();
        if (migrations.Count == 0)
        {
            if (!await db.Database.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false))
                await RunConditionallyAsync(db, db.Database.GenerateCreateScript(), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!(await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).Any()
            && await MadeBeforeMigrationsAsync(db, cancellationToken).ConfigureAwait(false))
        {
            // The first migration's script, tables made only where missing; it ends by recording that migration.
            var first = db.GetService<IMigrator>().GenerateScript(Migration.InitialDatabase, migrations[0]);
            await RunConditionallyAsync(db, first, cancellationToken).ConfigureAwait(false);
        }
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether any of the context's tables exists already: a database an older version made with EnsureCreated.</summary>
    private static async Task<bool> MadeBeforeMigrationsAsync(DbContext db, CancellationToken cancellationToken)
    {
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().ToList();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = db.Database.IsSqlite()
                    ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name"
                    : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @name";
                var parameter = command.CreateParameter();
                parameter.ParameterName = db.Database.IsSqlite() ? "$name" : "@name";
                parameter.Value = table;
                command.Parameters.Add(parameter);
                if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0) return true;
            }
            return false;
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs a generated script with each CREATE made conditional, so what exists already is kept as it is.</summary>
    private static async Task RunConditionallyAsync(DbContext db, string script, CancellationToken cancellationToken)
    {
        foreach (var statement in script.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var conditional = statement
                .Replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", StringComparison.Ordinal)
                .Replace("CREATE TABLE IF NOT EXISTS IF NOT EXISTS ", "CREATE TABLE IF NOT EXISTS ", StringComparison.Ordinal)
                .Replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", StringComparison.Ordinal)
                .Replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", StringComparison.Ordinal);
            // Transactions of the script are left out: each statement stands alone and may be run again.
            if (conditional is "BEGIN TRANSACTION" or "COMMIT" or "START TRANSACTION") continue;
            await db.Database.ExecuteSqlRawAsync(conditional, cancellationToken).ConfigureAwait(false);
        }
    }
}
