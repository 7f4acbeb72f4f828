namespace P4Flow.Workflows.Stores.Ef;

/// <summary>
/// Where each context's schema migrations live and are recorded. The engine's tables and the bot's share one database
/// but keep separate histories, so neither mistakes the other's migrations for unknown ones.
/// </summary>
public static class SchemaHistory
{
    public const string SqliteAssembly = "P4Flow.Migrations.Sqlite";
    public const string PostgreSqlAssembly = "P4Flow.Migrations.PostgreSql";
    public const string EngineTable = "__p4flow_engine_migrations";
    public const string BranchesTable = "__p4flow_branches_migrations";
    public const string SharedTable = "__p4flow_shared_migrations";
}
