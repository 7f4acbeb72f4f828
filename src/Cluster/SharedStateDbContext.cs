using Microsoft.EntityFrameworkCore;

namespace P4Flow.Cluster;

/// <summary>The orchestrators' shared documents, in the state database beside the engine's and the bot's tables.</summary>
public sealed class SharedStateDbContext(DbContextOptions<SharedStateDbContext> options) : DbContext(options)
{
    public DbSet<SharedDocumentRow> Documents => Set<SharedDocumentRow>();
    public DbSet<ClusterNodeRow> Nodes => Set<ClusterNodeRow>();
    public DbSet<ClusterAgentRow> Agents => Set<ClusterAgentRow>();
    public DbSet<HubAssignmentRow> Assignments => Set<HubAssignmentRow>();
    public DbSet<HubCommandRow> Commands => Set<HubCommandRow>();
    public DbSet<HubAgentStateRow> AgentStates => Set<HubAgentStateRow>();
    public DbSet<HubRequestRow> Requests => Set<HubRequestRow>();
    public DbSet<AuditEventRow> AuditEvents => Set<AuditEventRow>();

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
        // The cluster's tables: snake_case names, since the hub reads and writes them in plain SQL on its hot paths.
        modelBuilder.Entity<ClusterNodeRow>(e =>
        {
            e.ToTable("cluster_nodes");
            e.HasKey(r => r.Id);
            Columns(e);
        });
        modelBuilder.Entity<ClusterAgentRow>(e =>
        {
            e.ToTable("cluster_agents");
            e.HasKey(r => r.AgentId);
            e.HasIndex(r => r.NodeId);
            Columns(e);
        });
        modelBuilder.Entity<HubAssignmentRow>(e =>
        {
            e.ToTable("hub_assignments");
            e.HasKey(r => r.JobId);
            e.HasIndex(r => r.AgentId);
            Columns(e);
        });
        modelBuilder.Entity<HubCommandRow>(e =>
        {
            e.ToTable("hub_commands");
            e.HasKey(r => new { r.AgentId, r.CmdId });
            Columns(e);
        });
        modelBuilder.Entity<HubAgentStateRow>(e =>
        {
            e.ToTable("hub_agent_state");
            e.HasKey(r => r.AgentId);
            Columns(e);
        });
        modelBuilder.Entity<AuditEventRow>(e =>
        {
            e.ToTable("audit_events");
            e.HasKey(r => r.Id);
            e.HasIndex(r => r.At);
            e.HasIndex(r => new { r.EventType, r.At });
            Columns(e);
        });
        modelBuilder.Entity<HubRequestRow>(e =>
        {
            e.ToTable("hub_requests");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.AgentId, r.DoneAt });
            e.HasIndex(r => new { r.JobId, r.Fingerprint });
            Columns(e);
        });
    }

    private static void Columns<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> entity) where T : class
    {
        foreach (var property in entity.Metadata.GetProperties())
            property.SetColumnName(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
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
