using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using P4Flow.TestSupport;

namespace P4Flow.FaultMatrix;

/// <summary>The orchestrator's SQLite database held by another process, at start and while jobs run.</summary>
internal static class DatabaseRows
{
    public static async Task<RowResult> LockedAtStartAsync()
    {
        await using var rig = await Rig.CreateAsync(1);
        await rig.StartOrchestratorAsync();
        await rig.KillOrchestratorAsync();
        string atStart;
        var clock = Stopwatch.StartNew();
        await using (var held = await HoldAsync(rig.DatabaseFile))
        {
            var orchestrator = rig.StartOrchestrator();
            // It either gives up with a message or waits for the lock; what it must not do is run on a database it cannot write.
            var deadline = Stopwatch.StartNew();
            while (!orchestrator.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60) && !await ReadyAsync(orchestrator)) await Task.Delay(250);
            atStart = orchestrator.HasExited
                ? $"it refused to start (exit {orchestrator.ExitCode}): {orchestrator.Output.Split('\n').LastOrDefault(l => l.Contains("lock", StringComparison.OrdinalIgnoreCase))?.Trim() ?? "no message naming the lock"}"
                : await ReadyAsync(orchestrator) ? "it started while the database was locked" : "it waited for the lock, not ready";
        }
        clock.Restart();
        if (rig.Orchestrator!.HasExited) await rig.StartOrchestratorAsync();
        else await rig.Orchestrator.WaitReadyAsync();
        rig.StartAgent();
        var jobs = await rig.StartJobsAsync(1);
        var ends = await rig.WaitForEndAsync(jobs, TimeSpan.FromMinutes(5));
        var result = RowResult.From("the database locked by another process at start", ends, rig.CommandsRunTwice().Count + await rig.ExtraSubmitsAsync(), clock.Elapsed,
            e => e.Submitted, atStart + "; once released it starts and runs jobs");
        return result with { Passed = result.Passed && !atStart.StartsWith("it started", StringComparison.Ordinal) };
    }

    public static async Task<RowResult> LockedWhileRunningAsync()
    {
        await using var rig = await Rig.CreateAsync(3);
        await rig.StartOrchestratorAsync();
        rig.StartAgent();
        await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));
        await rig.Depot.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 500 });
        var jobs = await rig.StartJobsAsync(3);
        await rig.WaitForStageAsync(jobs, TimeSpan.FromMinutes(2), "INTEGRATE");
        await using (await HoldAsync(rig.DatabaseFile))
        {
            // The fault's length is the row's subject.
            await Task.Delay(TimeSpan.FromSeconds(10));
        }
        var released = Stopwatch.StartNew();
        var ends = await rig.WaitForEndAsync(jobs, TimeSpan.FromMinutes(5));
        return RowResult.From("the database locked by another process for 10 s while jobs run", ends,
            rig.CommandsRunTwice().Count + await rig.ExtraSubmitsAsync(), released.Elapsed, e => e.Submitted);
    }

    /// <summary>Another process's write lock on the database: a transaction begun EXCLUSIVE and not ended.</summary>
    private static async Task<SqliteConnection> HoldAsync(string database)
    {
        var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE;";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<bool> ReadyAsync(OrchestratorProcess orchestrator)
    {
        try
        {
            using var response = await orchestrator.Client.GetAsync(new Uri("/readyz", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
