using Microsoft.EntityFrameworkCore;

namespace P4Flow.Branches.Store;

/// <summary>The bot's tables, in the orchestrator's database beside the engine's: the graph, each edge's cursor, the changes it saw.</summary>
public sealed class BranchDbContext(DbContextOptions<BranchDbContext> options) : DbContext(options)
{
    public DbSet<BranchGraphRow> Graphs => Set<BranchGraphRow>();
    public DbSet<EdgeCursorRow> Cursors => Set<EdgeCursorRow>();
    public DbSet<EdgeChangeRow> Changes => Set<EdgeChangeRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<P4Flow.Workflows.Stores.Ef.UtcDateTimeConverter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BranchGraphRow>(e =>
        {
            e.ToTable("branch_graph");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Revision).IsConcurrencyToken();
        });
        modelBuilder.Entity<EdgeCursorRow>(e =>
        {
            e.ToTable("branch_cursors");
            e.HasKey(r => r.EdgeId);
        });
        modelBuilder.Entity<EdgeChangeRow>(e =>
        {
            e.ToTable("branch_changes");
            e.HasKey(r => new { r.EdgeId, r.Change });
            e.HasIndex(r => new { r.EdgeId, r.Status, r.Change });
            e.HasIndex(r => new { r.Server, r.Change });
            e.HasIndex(r => r.JobId);
        });
    }
}

public sealed class BranchGraphRow
{
    public int Id { get; set; }
    public string Json { get; set; } = "";
    public int Revision { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
    public string? SourceHash { get; set; }
}

/// <summary>The last change of the edge's source the bot has seen (recorded or passed over).</summary>
public sealed class EdgeCursorRow
{
    public string EdgeId { get; set; } = "";
    public int LastChange { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class EdgeChangeRow
{
    public string EdgeId { get; set; } = "";
    public int Change { get; set; }
    public string Server { get; set; } = "";
    public string User { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>The depot files it touched, one per line; "*" when there were too many to keep (it overlaps everything).</summary>
    public string Files { get; set; } = "";
    public string Status { get; set; } = "";
    public string? JobId { get; set; }
    public int? TargetChange { get; set; }
    public string? Reason { get; set; }
    public DateTime RecordedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
