using Microsoft.EntityFrameworkCore;

namespace P4Flow.Workflows.Stores.Ef;

internal sealed class WorkflowDbContext(DbContextOptions<WorkflowDbContext> options) : DbContext(options)
{
    public DbSet<DefinitionRow> Definitions => Set<DefinitionRow>();
    public DbSet<InstanceRow> Instances => Set<InstanceRow>();
    public DbSet<ExecutionRow> Executions => Set<ExecutionRow>();
    public DbSet<BookmarkRow> Bookmarks => Set<BookmarkRow>();
    public DbSet<OutboxRow> Outbox => Set<OutboxRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<P4Flow.Workflows.Stores.Ef.UtcDateTimeConverter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DefinitionRow>(e =>
        {
            e.ToTable("workflow_definitions");
            e.HasKey(r => new { r.DefinitionId, r.Version });
            e.HasIndex(r => new { r.DefinitionId, r.IsLatest });
        });
        modelBuilder.Entity<InstanceRow>(e =>
        {
            e.ToTable("workflow_instances");
            e.HasKey(r => r.Id);
            e.Property(r => r.Revision).IsConcurrencyToken();
            e.HasIndex(r => r.Status);
            e.HasIndex(r => r.CurrentStage);
            // The resolve watcher's keyset pages (status and stage, by id): a range of this index, never a sort of
            // every parked job's row.
            e.HasIndex(r => new { r.Status, r.CurrentStage, r.Id });
            e.HasIndex(r => new { r.DefinitionId, r.CreatedAt });
            e.HasIndex(r => r.CreatedAt);
        });
        modelBuilder.Entity<ExecutionRow>(e =>
        {
            e.ToTable("activity_executions");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.InstanceId, r.Sequence });
        });
        modelBuilder.Entity<BookmarkRow>(e =>
        {
            e.ToTable("bookmarks");
            e.HasKey(r => r.Id);
            e.HasIndex(r => r.Hash);
            e.HasIndex(r => r.InstanceId);
        });
        modelBuilder.Entity<OutboxRow>(e =>
        {
            e.ToTable("outbox");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.Status, r.NextAttemptAt });
            e.HasIndex(r => r.JobId);
            e.HasIndex(r => r.CreatedAt);
        });
    }
}
