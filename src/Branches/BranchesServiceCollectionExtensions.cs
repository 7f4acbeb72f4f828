using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;

namespace P4Flow.Branches;

public static class BranchesServiceCollectionExtensions
{
    /// <summary>
    /// The branch graph and the bot's ledger, in the SQLite database at <paramref name="sqlitePath"/>; with none, in a
    /// SQLite database in memory that lives as long as the process (state_management.type: memory).
    /// </summary>
    public static IServiceCollection AddBranches(this IServiceCollection services, string? sqlitePath) =>
        services.AddBranches(sqlitePath is null ? null : o => o.UseSqlite(P4Flow.Workflows.Extensions.WorkflowServiceCollectionExtensions.SqliteConnectionString(sqlitePath)));

    /// <summary>
    /// The branch graph and the bot's ledger, in the database <paramref name="database"/> points EF Core at (the
    /// orchestrator's SQLite file or its PostgreSQL database); with none, in a SQLite database in memory.
    /// </summary>
    public static IServiceCollection AddBranches(this IServiceCollection services, Action<DbContextOptionsBuilder>? database)
    {
        services.AddOptions<BranchesOptions>().BindConfiguration(BranchesOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        if (database is null)
        {
            // A shared in-memory database exists while one connection to it is open: this one, held by the container.
            var keeper = new SqliteConnection($"Data Source=file:p4flow-branches-{Guid.NewGuid():N}?mode=memory&cache=shared");
            keeper.Open();
            services.AddSingleton(keeper);
            services.AddPooledDbContextFactory<BranchDbContext>(o => o.UseSqlite(keeper.ConnectionString));
        }
        else
        {
            services.AddPooledDbContextFactory<BranchDbContext>(database);
        }
        services.AddSingleton<IBranchGraphStore, EfBranchGraphStore>();
        services.AddSingleton<BranchLedger>();
        services.AddSingleton<BranchGraphService>();
        services.TryAddSingleton<IUrlGate, HttpUrlGate>();
        services.AddSingleton<BranchJobMoves>();
        services.AddSingleton<BranchWatcher>();
        services.AddHostedService<BranchesStartup>();
        return services;
    }
}
