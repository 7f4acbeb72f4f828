using Microsoft.EntityFrameworkCore;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.Stores.Ef;

namespace P4Flow.Orchestrator.Extensions;

/// <summary>
/// The one place that says where the orchestrator's state lives (state_management.type): the engine's tables and
/// the bot's in one SQLite file or one PostgreSQL database, and Hangfire's work beside them on PostgreSQL.
/// </summary>
internal static class StateDatabase
{
    /// <summary>
    /// How EF Core reaches the database for a context whose migrations record themselves in <paramref name="history"/>
    /// (<see cref="SchemaHistory"/>); null for state_management.type memory.
    /// </summary>
    public static Action<DbContextOptionsBuilder>? For(StateManagementOptions state, string history) => state.Type switch
    {
        StateManagementOptions.Memory => null,
        // A restarted or failed-over server breaks the pool's connections: a command that meets one is tried again on a new one.
        StateManagementOptions.Postgresql => o => o.UseNpgsql(ConnectionString(state), x => x.MigrationsAssembly(SchemaHistory.PostgreSqlAssembly).MigrationsHistoryTable(history)
            .EnableRetryOnFailure(maxRetryCount: 8, maxRetryDelay: TimeSpan.FromSeconds(10), errorCodesToAdd: null)),
        _ => o => o.UseSqlite(WorkflowServiceCollectionExtensions.SqliteConnectionString(Path.GetFullPath(state.SqlitePath)),
                x => x.MigrationsAssembly(SchemaHistory.SqliteAssembly).MigrationsHistoryTable(history))
            .AddInterceptors(WorkflowServiceCollectionExtensions.SqlitePragmas),
    };

    /// <summary>Whether Hangfire keeps queued, scheduled and recurring work across a restart (it does in PostgreSQL, not in memory).</summary>
    public static bool KeepsBackgroundWork(StateManagementOptions state) => state.Type == StateManagementOptions.Postgresql;

    /// <summary>The PostgreSQL connection string from its secret source (validated at start).</summary>
    public static string ConnectionString(StateManagementOptions state) =>
        state.Postgres.ConnectionString() ?? throw new InvalidOperationException($"{PostgresOptions.Key} gives no connection string.");
}
