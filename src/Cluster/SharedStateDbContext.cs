using Microsoft.EntityFrameworkCore;

namespace P4Flow.Cluster;

/// <summary>The orchestrators' shared documents, in the state database beside the engine's and the bot's tables.</summary>
public sealed class SharedStateDbContext(DbContextOptions<SharedStateDbContext> options) : DbContext(options)
{
    public DbSet<SharedDocumentRow> Documents => Set<SharedDocumentRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<P4Flow.Workflows.Stores.Ef.UtcDateTimeConverter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SharedDocumentRow>(e =>
        {
            e.ToTable("shared_documents");
            e.HasKey(r => r.Name);
            e.Property(r => r.Revision).IsConcurrencyToken();
        });
    }
}

/// <summary>One document by name: its JSON and the revision every write moves on.</summary>
public sealed class SharedDocumentRow
{
    public string Name { get; set; } = "";
    public string Json { get; set; } = "";
    public int Revision { get; set; }
    public DateTime UpdatedAt { get; set; }
}
