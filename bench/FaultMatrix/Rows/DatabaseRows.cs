using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using P4Flow.TestSupport;

namespace P4Flow.FaultMatrix;

/// <summary>The orchestrator's SQLite database held by another process, at start and while jobs run.</summary>
internal static class DatabaseRows
{
    /// <summary>
    /// The database held by another process (a backup tool, an operator's sqlite3) while the orchestrator starts and a
    /// user starts a job; released after the fault's 20 s.
    /// </summary>
    public static async Task<RowResult> LockedAtStartAsync()
    {
        await using var rig = await Rig.CreateAsync(2);
        await rig.StartOrchestratorAsync();
        await rig.KillOrchestratorAsync();
        string atStart, request;
        var jobs = new List<string>();
        await using (var held = await HoldAsync(rig.DatabaseFile))
        {
            var locked = Stopwatch.StartNew();
            var orchestrator = rig.StartOrchestrator();
            await ReadyOrExitedAsync(orchestrator);
            atStart = orchestrator.HasExited
                ? $"it refused to start (exit {orchestrator.ExitCode}): {LineAbout(orchestrator.Output, "lock")}"
                : await ReadyAsync(orchestrator) ? "it started (reading needs no write lock)" : "it waited for the lock, not ready";
            if (await ReadyAsync(orchestrator))
            {
                ApiKeys.SignIn(orchestrator.Client, ApiKeys.Admin(rig.Home));
                var asked = Stopwatch.StartNew();
                try
                {
                    jobs.AddRange(await rig.StartJobsAsync(1));
                    request = $"a job started meanwhile was accepted after {asked.Elapsed.TotalSeconds:0} s";
                }
                catch (InvalidOperationException ex)
                {
                    request = $"a job started meanwhile was refused after {asked.Elapsed.TotalSeconds:0} s: {Answer(ex.Message)}";
                }
            }
            else request = "";
            var rest = TimeSpan.FromSeconds(20) - locked.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest);
        }
        var released = Stopwatch.StartNew();
        if (rig.Orchestrator!.HasExited) await rig.StartOrchestratorAsync();
        else await rig.Orchestrator.WaitReadyAsync();
        rig.StartAgent();
        if (jobs.Count == 0) jobs.AddRange(await rig.StartJobsAsync(1));
        var ends = await rig.WaitForEndAsync(jobs, TimeSpan.FromMinutes(5));
        var result = RowResult.From("the database locked by another process at start", ends, await rig.RunTwiceAsync(), released.Elapsed,
            e => e.Submitted, string.Join("; ", new[] { atStart, request, "once released, jobs run" }.Where(t => t.Length > 0)));
        // Refused with a 503 that says to retry is right; a 500 is not.
        return result with { Passed = result.Passed && !request.Contains("answered 500", StringComparison.Ordinal) };
    }

    /// <summary>"answered 503 The database is busy" out of "starting job j1 answered 503: {problem details}".</summary>
    private static string Answer(string message)
    {
        var at = message.IndexOf(": {", StringComparison.Ordinal);
        if (at < 0) return message.Split('\n')[0];
        var title = System.Text.Json.Nodes.JsonNode.Parse(message[(at + 2)..])?["title"]?.GetValue<string>();
        return $"{message[..at].Replace("starting job j1 ", "", StringComparison.Ordinal)} \"{title}\"";
    }

    private static string LineAbout(string output, string word) =>
        output.Split('\n').LastOrDefault(l => l.Contains(word, StringComparison.OrdinalIgnoreCase))?.Trim() ?? $"no message about the {word}";

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
            await rig.RunTwiceAsync(), released.Elapsed, e => e.Submitted);
    }

    /// <summary>
    /// The orchestrator's data folder (database, hub journal) read-only at start: a bind mount remounted ro, as a disk
    /// the kernel turned read-only after errors. (While it runs the kernel refuses to remount a folder with files open
    /// for writing, so that case is the lock's: db-locked-running.)
    /// </summary>
    public static async Task<RowResult> ReadOnlyAtStartAsync()
    {
        const string Fault = "the database read-only at start";
        await using var rig = await Rig.CreateAsync(2);
        await rig.StartOrchestratorAsync();
        await rig.KillOrchestratorAsync();
        var data = Path.GetDirectoryName(rig.DatabaseFile)!;
        if ((await ProgramRun.RunAsync("mount", ["--bind", data, data])).ExitCode is not 0 and var code)
            return RowResult.Skip(Fault, $"cannot bind-mount here (exit {code}; root with CAP_SYS_ADMIN needed)");
        try
        {
            await ReadOnly(data, true);
            var orchestrator = rig.StartOrchestrator();
            await ReadyOrExitedAsync(orchestrator);
            var seen = orchestrator.HasExited
                ? $"it refused to start (exit {orchestrator.ExitCode}): {LineAbout(orchestrator.Output, "cannot start").Replace(rig.Home, "<home>", StringComparison.Ordinal)}"
                : await ReadyAsync(orchestrator) ? "it started on a read-only database" : "it waited, not ready";
            await ReadOnly(data, false);
            var recovered = Stopwatch.StartNew();
            if (rig.Orchestrator!.HasExited) await rig.StartOrchestratorAsync();
            else await rig.Orchestrator.WaitReadyAsync();
            rig.StartAgent();
            var ends = await rig.WaitForEndAsync(await rig.StartJobsAsync(2), TimeSpan.FromMinutes(5));
            var result = RowResult.From(Fault, ends, await rig.RunTwiceAsync(), recovered.Elapsed, e => e.Submitted,
                seen + "; once writable, it starts and runs jobs");
            // A clear refusal (exit 3, the path named) or a wait; never a crash, never running on a disk it cannot write.
            return result with { Passed = result.Passed && (seen.Contains("(exit 3)", StringComparison.Ordinal) || seen.StartsWith("it waited", StringComparison.Ordinal)) };
        }
        finally
        {
            await ProgramRun.RunAsync("umount", ["-l", data]);
        }
    }

    private static async Task ReadOnly(string mountPoint, bool readOnly)
    {
        var remount = await ProgramRun.RunAsync("mount", ["-o", readOnly ? "remount,ro,bind" : "remount,rw,bind", mountPoint]);
        if (remount.ExitCode != 0) throw new InvalidOperationException($"mount -o remount {mountPoint}: {remount.Output}");
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

    /// <summary>It either gives up with a message or becomes ready; a minute and a half tells which (or that it waits).</summary>
    private static async Task ReadyOrExitedAsync(OrchestratorProcess orchestrator)
    {
        var clock = Stopwatch.StartNew();
        while (!orchestrator.HasExited && clock.Elapsed < TimeSpan.FromSeconds(90) && !await ReadyAsync(orchestrator)) await Task.Delay(250);
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
