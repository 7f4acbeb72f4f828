using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Tests.Cluster;

/// <summary>
/// Schema changes go through migrations (src/Migrations), and an upgrade keeps its data: a SQLite database made the
/// way every earlier version made it (EnsureCreated, no migration history), missing a table an even older one lacked,
/// is opened by this version's orchestrator, which records it at its first migration and shows its jobs.
/// </summary>
public sealed class SchemaUpgradeTests
{
    [Fact]
    public async Task Sqlite_DatabaseMadeBeforeMigrations_KeepsItsJobsAndIsRecordedAtTheFirstMigration()
    {
        var home = OrchestratorProcess.CreateHome();
        var database = Path.Combine(home, "data", "p4flow.db");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var jobId = await MakeOldDatabaseAsync(database);

        await using var orchestrator = OrchestratorProcess.Start(home);
        await orchestrator.WaitReadyAsync();

        var job = await orchestrator.Client.GetJsonAsync($"/api/jobs/{jobId}");
        Assert.Equal("Finished", job.Str("status"));
        Assert.Equal("from the old schema", job["result"]!.Str("note"));
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        // Recorded at the first migration, then every later one applied to it.
        Assert.Equal("20261207023256_Initial", (await ColumnAsync(connection, "SELECT MigrationId FROM __p4flow_engine_migrations ORDER BY MigrationId"))[0]);
        Assert.Equal("20261207023330_Initial", (await ColumnAsync(connection, "SELECT MigrationId FROM __p4flow_branches_migrations ORDER BY MigrationId"))[0]);
        // The table the older schema lacked was made; the rows it had are all still there.
        Assert.Equal(["outbox"], await ColumnAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'outbox'"));
        Assert.Contains(jobId, await ColumnAsync(connection, "SELECT Id FROM workflow_instances"));
    }

    /// <summary>
    /// The engine's store as earlier versions opened it (no migrations: EnsureCreated), with one finished job, then
    /// without the outbox table (as before notifications). Returns the job's id.
    /// </summary>
    private static async Task<string> MakeOldDatabaseAsync(string path)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWorkflowEngine().AddSqliteWorkflowStore(path);
        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IWorkflowStore>();
            await store.InitializeAsync(CancellationToken.None);
            var definition = WorkflowJson.Deserialize<WorkflowDefinition>(await File.ReadAllTextAsync(Path.Combine(OrchestratorProcess.WorkflowsDir, "hello-p4flow.json")));
            definition.IsLatest = definition.IsPublished = true;
            await store.SaveDefinitionAsync(definition, CancellationToken.None);
            var now = DateTime.UtcNow;
            var job = new WorkflowInstance
            {
                Id = Guid.NewGuid().ToString("N"), DefinitionId = definition.DefinitionId, DefinitionVersion = definition.Version, Name = definition.Name,
                Status = WorkflowStatus.Finished, CurrentStage = WorkflowInstance.CompletedStage, CreatedAt = now, UpdatedAt = now, FinishedAt = now,
                Result = new JsonObject { ["note"] = "from the old schema" },
            };
            await store.CreateInstanceAsync(job, CancellationToken.None);
            await using var connection = new SqliteConnection($"Data Source={path}");
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE outbox";
            await drop.ExecuteNonQueryAsync();
            SqliteConnection.ClearAllPools();
            return job.Id;
        }
    }

    private static async Task<List<string>> ColumnAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }
}
