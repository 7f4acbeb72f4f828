using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.Stores;

namespace P4Flow.Workflows.Benchmarks;

/// <summary>
/// Ten no-op activities per run. OperationsPerInvoke makes every figure per activity execution:
/// throughput = 1 / Mean. Warm-up covers well over 10,000 runs so the JIT has finished tiering.
/// </summary>
[MemoryDiagnoser]
public class InMemoryBenchmark
{
    private Chain _chain = null!;

    [GlobalSetup]
    public void Setup() => _chain = new Chain(s => s.AddMemoryWorkflowStore());

    [GlobalCleanup]
    public void Cleanup() => _chain.Services.Dispose();

    [Benchmark(OperationsPerInvoke = Chain.Activities, Description = "10 activities, in memory, no persistence")]
    public ValueTask InMemory() =>
        _chain.Runner.RunAsync(new WorkflowRun(_chain.NewInstance(), _chain.Graph, _chain.Services, CancellationToken.None));
}

[MemoryDiagnoser]
[WarmupCount(12)]
[IterationCount(5)]
[InvocationCount(1000)]
public class SqliteBenchmark
{
    private Chain _chain = null!;
    private IWorkflowStore _store = null!;
    private string _folder = "";

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "p4flow-bench-" + Guid.NewGuid().ToString("N")[..8]);
        _chain = new Chain(s => s.AddSqliteWorkflowStore(Path.Combine(_folder, "bench.db")));
        _store = _chain.Services.GetRequiredService<IWorkflowStore>();
        _store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _chain.Services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Chain.Activities, Description = "10 activities, SQLite commit after each")]
    public async Task PersistedToSqlite()
    {
        var instance = _chain.NewInstance();
        await _store.CreateInstanceAsync(instance, CancellationToken.None);
        var run = new WorkflowRun(instance, _chain.Graph, _chain.Services, CancellationToken.None)
        {
            Commit = r => new ValueTask(_store.CommitAsync(r.Instance, r.Changes, CancellationToken.None)),
        };
        await _chain.Runner.RunAsync(run);
    }
}
