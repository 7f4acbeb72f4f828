using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.Stores;

namespace P4Flow.Workflows.Tests.Stores;

/// <summary>The EF store on a SQLite file in a temporary folder, created by the store itself.</summary>
public sealed class SqliteWorkflowStoreTests : WorkflowStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"p4flow-store-{Guid.NewGuid():N}");
    private ServiceProvider? _services;

    protected override Task<IWorkflowStore> CreateStoreAsync()
    {
        _services = new ServiceCollection().AddSqliteWorkflowStore(Path.Combine(_folder, "data", "p4flow.db")).BuildServiceProvider();
        return Task.FromResult(_services.GetRequiredService<IWorkflowStore>());
    }

    public override async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
