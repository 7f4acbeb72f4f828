using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using P4Flow.Branches.Store;
using P4Flow.Cluster;
using P4Flow.Workflows.Stores.Ef;

namespace P4Flow.Migrations.Sqlite;

// What `dotnet ef migrations add` builds the contexts with; never used at run time (the orchestrator's StateDatabase
// says where the database is). No connection is opened to add a migration.

internal sealed class EngineDesignTime : IDesignTimeDbContextFactory<WorkflowDbContext>
{
    public WorkflowDbContext CreateDbContext(string[] args) => new(Options<WorkflowDbContext>(SchemaHistory.EngineTable));

    internal static DbContextOptions<T> Options<T>(string table) where T : DbContext =>
        new DbContextOptionsBuilder<T>().UseSqlite("Data Source=design-time.db", x => x.MigrationsAssembly(SchemaHistory.SqliteAssembly).MigrationsHistoryTable(table)).Options;
}

internal sealed class BranchesDesignTime : IDesignTimeDbContextFactory<BranchDbContext>
{
    public BranchDbContext CreateDbContext(string[] args) => new(EngineDesignTime.Options<BranchDbContext>(SchemaHistory.BranchesTable));
}

internal sealed class SharedDesignTime : IDesignTimeDbContextFactory<SharedStateDbContext>
{
    public SharedStateDbContext CreateDbContext(string[] args) => new(EngineDesignTime.Options<SharedStateDbContext>(SchemaHistory.SharedTable));
}
