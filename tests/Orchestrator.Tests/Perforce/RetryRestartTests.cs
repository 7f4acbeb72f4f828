using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// A delayed retry survives a crash of the orchestrator: on the embedded default (SQLite, Hangfire in memory) the
/// restarted engine's recovery runs it when it was due; on PostgreSQL, Hangfire kept it scheduled. Either way not at
/// once, not never, not twice, and with its count.
/// </summary>
public sealed class RetryRestartTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task RetryPlanned_OrchestratorKilledAndRestarted_RunsWhenDueWithItsCount(string state)
    {
        var depot = await SimDepot.CreateWithChangeOnMainAsync("one\n", "one\ntwo\n");
        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable" });
        var home = OrchestratorProcess.CreateHome();
        await using var postgres = state == "postgresql" ? await LocalPostgres.StartAsync() : null;
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_commands__runner"] = "local",
            // Long enough that a restart lands well inside the delay.
            ["P4FLOW_retries__NETWORK_ERROR__attempts"] = "2",
            ["P4FLOW_retries__NETWORK_ERROR__backoff"] = "fixed",
            ["P4FLOW_retries__NETWORK_ERROR__delay"] = "20",
        };
        if (postgres is not null)
        {
            environment["P4FLOW_state_management__type"] = "postgresql";
            environment["P4FLOW_state_management__postgresql__connection_string_env"] = "P4FLOW_TEST_POSTGRES";
            environment["P4FLOW_TEST_POSTGRES"] = await postgres.CreateDatabaseAsync("p4flow");
        }
        string jobId;
        JsonNode planned;
        await using (var before = OrchestratorProcess.Start(home, environment: environment))
        {
            await before.WaitReadyAsync();
            using var start = await before.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", new JsonObject
            {
                ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root,
            });
            jobId = (await start.ReadJsonAsync()).Str("jobId");
            planned = LastRetry(await before.Client.WaitForJobAsync(jobId, j => LastRetryOrNull(j) is not null, "the first attempt to fail and a retry to be planned"));
            await before.KillAsync();
        }
        File.Delete(Path.Combine(depot.Root, "faults.json"));

        await using var after = OrchestratorProcess.Start(home, environment: environment);
        await after.WaitReadyAsync();
        var readyAt = DateTime.UtcNow;
        var job = await after.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 180);

        Assert.True(job.Str("status") == "Finished", job.ToJsonString());
        Assert.Equal("submitted", job["result"]!.Str("status"));
        // The retry ran when it was due, not when recovery dispatched the work.
        var dueAt = planned["dueAt"]!.GetValue<DateTime>().ToUniversalTime();
        var commands = (await File.ReadAllLinesAsync(Path.Combine(home, "logs", "commands.jsonl"))).Select(l => JsonNode.Parse(l)!).Where(c => c.Str("job_id") == jobId).ToList();
        var firstSuccess = commands.First(c => c.Str("event") == "command_completed");
        var ranAt = DateTime.Parse(firstSuccess.Str("timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime();
        Assert.True(ranAt >= dueAt - TimeSpan.FromSeconds(firstSuccess["duration_ms"]!.GetValue<double>() / 1000),
            $"the retry ran at {ranAt:HH:mm:ss.fff}, before it was due at {dueAt:HH:mm:ss.fff}");
        Assert.Single(commands, c => c.Str("event") == "command_failed");
        // It stayed retry 1 of 2: the restart neither added one nor started the count again.
        Assert.Equal(1, LastRetry(job)["retry"]!.GetValue<int>());
        // Back before the retry was due (the usual case; a machine busy enough to take 20 s to restart finds it due
        // already): on SQLite, recovery's dispatch found it early and put it off, saying so (on PostgreSQL, Hangfire
        // kept the retry scheduled and nothing is dispatched early).
        if (postgres is null && readyAt < dueAt.AddSeconds(-5))
        {
            // The log file is written in the background: wait for the line rather than read it once.
            await Eventually.Until(() => ReadLogAsync(home), lines => lines.Any(l => l.Contains("\"event_id\":1103", StringComparison.Ordinal) && l.Contains(jobId, StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), "the log to say the retry was put off until due");
        }
    }

    private static async Task<string[]> ReadLogAsync(string home)
    {
        await using var stream = new FileStream(Path.Combine(home, "logs", "p4flow.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Split('\n');
    }

    private static JsonNode? LastRetryOrNull(JsonNode job) => job["activities"]?.AsArray().Select(a => a!["outputs"]?["lastRetry"]).FirstOrDefault(r => r is not null);

    private static JsonNode LastRetry(JsonNode job) => LastRetryOrNull(job)!;
}
