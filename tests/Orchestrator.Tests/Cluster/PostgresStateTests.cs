using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Cluster;

/// <summary>
/// state_management.type: postgresql on a real PostgreSQL server: the engine's store, the bot's tables and Hangfire's
/// work live in the database, so an orchestrator started in an empty folder on the same database (another node of the
/// cluster, or the one after a kill) finds every job.
/// </summary>
public sealed class PostgresStateTests
{
    [Fact]
    public async Task Postgresql_AJobRuns_AnotherNodeInAnEmptyHomeShowsIt_AndAfterAKillAnotherStillDoes()
    {
        await using var postgres = await LocalPostgres.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("p4flow");
        using var depot = await SimDepot.CreateWithChangeOnMainAsync("one\n", "one\ntwo\n");
        var first = OrchestratorProcess.CreateHome();
        var second = OrchestratorProcess.CreateHome();
        var consoles = new List<string>();
        try
        {
            string jobId;
            await using (var orchestrator = OrchestratorProcess.Start(first, environment: Environment(first, connection)))
            {
                await orchestrator.WaitReadyAsync();
                using var start = await orchestrator.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", new JsonObject
                {
                    ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root,
                });
                Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
                jobId = (await start.ReadJsonAsync()).Str("jobId");
                var done = await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 180);
                Assert.True(done.Str("status") == "Finished", done.ToJsonString());

                // A second orchestrator on the same database is another node of the cluster: it starts and shows the job.
                Directory.CreateDirectory(Path.Combine(second, "data"));
                File.Copy(Path.Combine(first, "data", "admin-api-key"), Path.Combine(second, "data", "admin-api-key"));
                await using (var other = OrchestratorProcess.Start(second, environment: Environment(second, connection)))
                {
                    await other.WaitReadyAsync();
                    Assert.Equal("Finished", (await other.Client.GetJsonAsync($"/api/jobs/{jobId}")).Str("status"));
                    Assert.Equal("2", await postgres.PsqlAsync("p4flow", "SELECT count(*) FROM cluster_nodes WHERE down_at IS NULL"));
                    await other.StopAsync(TimeSpan.FromSeconds(60));
                    consoles.Add(other.Output);
                }
                // Stopped cleanly, it left the cluster at once (no lease to wait out).
                Assert.Equal("1", await postgres.PsqlAsync("p4flow", "SELECT count(*) FROM cluster_nodes WHERE down_at IS NULL"));
                consoles.Add(orchestrator.Output);
                await orchestrator.KillAsync();
            }

            // Nothing of the state is in the folder: no SQLite file; the rows are in PostgreSQL.
            Assert.False(File.Exists(Path.Combine(first, "data", "p4flow.db")), "an orchestrator on PostgreSQL wrote a SQLite database");
            Assert.Equal("Finished", await postgres.PsqlAsync("p4flow", $"SELECT \"Status\" FROM workflow_instances WHERE \"Id\" = '{jobId}'"));
            Assert.NotEqual("0", await postgres.PsqlAsync("p4flow", "SELECT count(*) FROM hangfire.job"));
            Assert.Equal("branch_changes", await postgres.PsqlAsync("p4flow", "SELECT to_regclass('public.branch_changes')"));

            // The credentials are in the database too: the first orchestrator's admin key signs in on the second, which
            // made none of its own.
            await using (var other = OrchestratorProcess.Start(second, environment: Environment(second, connection)))
            {
                await other.WaitReadyAsync();
                Assert.DoesNotContain("No credentials existed", other.Output, StringComparison.Ordinal);
                consoles.Add(other.Output);
                var job = await other.Client.GetJsonAsync($"/api/jobs/{jobId}");
                Assert.Equal("Finished", job.Str("status"));
                Assert.Equal("submitted", job["result"]!.Str("status"));
                var listed = await other.Client.GetJsonAsync("/api/jobs?status=Finished");
                Assert.Contains(listed["items"]!.AsArray(), j => j!.Str("id") == jobId);
            }

            // The connection string's password is a secret: in no log of either orchestrator, nor on their consoles.
            foreach (var home in new[] { first, second })
                foreach (var log in Directory.GetFiles(Path.Combine(home, "logs"), "*.jsonl"))
                    Assert.DoesNotContain(postgres.Password, await ReadSharedAsync(log), StringComparison.Ordinal);
            Assert.All(consoles, output => Assert.DoesNotContain(postgres.Password, output, StringComparison.Ordinal));
        }
        finally
        {
            DeleteHomes(first, second);
        }
    }

    private static void DeleteHomes(params string[] homes)
    {
        foreach (var home in homes)
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder.
            }
        }
    }

    [Fact]
    public async Task Postgresql_ServerRestartedBetweenJobs_TheNextJobRuns_AndTheNodeStillHoldsItsLease()
    {
        await using var postgres = await LocalPostgres.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("p4flow");
        using var depot = await SimDepot.CreateWithChangeOnMainAsync("one\n", "one\ntwo\n");
        var home = OrchestratorProcess.CreateHome();
        try
        {
            await RestartBetweenJobsAsync(postgres, connection, depot, home);
        }
        finally
        {
            DeleteHomes(home);
        }
    }

    [Fact]
    public async Task Postgresql_DatabaseAway_TheAuditListsThisNodesOwnLines_SayingSo_ThenTheClustersAgain()
    {
        await using var postgres = await LocalPostgres.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("p4flow");
        var home = OrchestratorProcess.CreateHome();
        try
        {
            await using var orchestrator = OrchestratorProcess.Start(home, environment: Environment(home, connection));
            await orchestrator.WaitReadyAsync();
            // A line of its own: a pause and a resume by the admin.
            using (var paused = await orchestrator.Client.PostJsonAsync("/api/admin/pause", new JsonObject { ["reason"] = "audit" })) paused.EnsureSuccessStatusCode();
            using (var resumed = await orchestrator.Client.PostJsonAsync("/api/admin/resume", null)) resumed.EnsureSuccessStatusCode();
            var whole = await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/audit?event_type=OPERATIONS_RESUMED"), p => p["total"]!.GetValue<int>() == 1,
                TimeSpan.FromSeconds(30), "the resume to be in the cluster's audit log");
            Assert.Null(whole["partial"]);
            Assert.NotEqual("", whole["items"]![0]!.Str("node"));

            await postgres.StopAsync();
            var own = await orchestrator.Client.GetJsonAsync("/api/audit?event_type=OPERATIONS_RESUMED");
            Assert.Equal(1, own["total"]!.GetValue<int>());
            Assert.Contains("cannot be reached", own.Str("partial"), StringComparison.Ordinal);
            await postgres.StartAgainAsync();

            await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/audit?event_type=OPERATIONS_RESUMED"), p => p["partial"] is null,
                TimeSpan.FromSeconds(30), "the cluster's audit log to be read again");
            Assert.False(orchestrator.HasExited, orchestrator.Output);
        }
        finally
        {
            DeleteHomes(home);
        }
    }

    private static async Task RestartBetweenJobsAsync(LocalPostgres postgres, string connection, SimDepot depot, string home)
    {
        await using var orchestrator = OrchestratorProcess.Start(home, environment: Environment(home, connection));
        await orchestrator.WaitReadyAsync();
        Assert.Equal("Finished", (await IntegrateAsync(orchestrator, depot)).Str("status"));

        // As for a patch or a failover of the database server: every session ends, the lock's among them.
        await postgres.RestartAsync();
        await depot.SubmitAsync("Three on main", ("main/a.txt", "one\ntwo\nthree\n", null));

        var second = await IntegrateAsync(orchestrator, depot);
        Assert.True(second.Str("status") == "Finished", second.ToJsonString());
        Assert.Equal("one\ntwo\nthree\n", await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));
        // Its lease in the cluster is renewed again on the restarted server: it is still a live node.
        await Eventually.Until(() => postgres.PsqlAsync("p4flow", "SELECT count(*) FROM cluster_nodes WHERE down_at IS NULL AND lease_until > now()"), n => n == "1",
            TimeSpan.FromSeconds(60), "the node to renew its lease on the restarted server");
        Assert.False(orchestrator.HasExited, orchestrator.Output);
    }

    [Fact]
    public async Task Postgresql_ServerNotReachableAtStart_ExitsThreeSayingSo_WithoutThePassword()
    {
        var home = OrchestratorProcess.CreateHome();
        try
        {
            var port = Loopback.FreePort();
            await using var orchestrator = OrchestratorProcess.Start(home, environment: Environment(home, $"Host=127.0.0.1;Port={port};Database=p4flow;Username=p4flow;Password=not-4-log;Timeout=5"));

            Assert.Equal(3, await orchestrator.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            Assert.Contains($"P4Flow cannot start: its data cannot be written or read: Failed to connect to 127.0.0.1:{port}", orchestrator.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("not-4-log", orchestrator.Output, StringComparison.Ordinal);
        }
        finally
        {
            DeleteHomes(home);
        }
    }

    private static async Task<JsonNode> IntegrateAsync(OrchestratorProcess orchestrator, SimDepot depot)
    {
        using var start = await orchestrator.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", new JsonObject
        {
            ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root,
        });
        Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
        var jobId = (await start.ReadJsonAsync()).Str("jobId");
        return await orchestrator.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 180);
    }

    /// <summary>An orchestrator on PostgreSQL, its connection string in an owner-only file of its home, running commands in process on the simulator.</summary>
    private static Dictionary<string, string> Environment(string home, string connection)
    {
        var file = Path.Combine(home, "config", "postgres.conn");
        File.WriteAllText(file, connection + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new Dictionary<string, string>
        {
            ["P4FLOW_state_management__type"] = "postgresql",
            ["P4FLOW_state_management__postgresql__connection_string_file"] = file,
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4FLOW_commands__runner"] = "local",
        };
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
