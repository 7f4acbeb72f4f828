using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Cluster;

/// <summary>Two orchestrator processes on one PostgreSQL database, with real agents: one cluster.</summary>
public sealed class ClusterTests
{
    private const string Base = "one\ntwo\nthree\n";

    [Fact]
    public async Task Cluster_AJobStartedOnOneNode_RunsOnTheAgentOfTheOther_AndEveryNodeShowsIt()
    {
        using var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, Base.Replace("two", "TWO", StringComparison.Ordinal));
        await using var cluster = await ClusterNodes.StartAsync(2, ["builder"], ("P4FLOW_state_management__resolve_check_interval", "2"));
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        // The only agent is connected to b.
        cluster.StartAgent("builder", b);
        await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/agents"), l => l.AsArray().Any(x => x!.Str("id") == "builder" && x!.Str("state") == "HEALTHY"),
            TimeSpan.FromSeconds(60), "the agent to connect to node b");

        // Either node lists both, live, and which has the agent.
        var nodes = await Eventually.Until(() => a.Process.Client.GetJsonAsync("/api/cluster"),
            c => c["nodes"]!.AsArray().Any(n => n!.Str("id").StartsWith("b-", StringComparison.Ordinal) && n!["agents"]!.GetValue<int>() == 1),
            TimeSpan.FromSeconds(30), "node a to list node b with its agent");
        Assert.StartsWith("a-", nodes.Str("node"), StringComparison.Ordinal);
        Assert.Equal(["live", "live"], nodes["nodes"]!.AsArray().Select(n => n!.Str("state")));
        Assert.Contains(nodes["nodes"]!.AsArray(), n => n!.Str("hubAddress").EndsWith(":" + b.HubPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        using var start = await a.Process.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", new JsonObject
        {
            ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root,
        });
        Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
        var jobId = (await start.ReadJsonAsync()).Str("jobId");
        var job = await a.Process.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300);

        Assert.True(job.Str("status") == "Finished", job.ToJsonString() + "\n" + cluster.Outputs());
        Assert.Equal("submitted", job["result"]!.Str("status"));
        Assert.Equal(Base.Replace("two", "TWO", StringComparison.Ordinal), await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));
        // Node a placed it on b's agent and asked b for each command; the agent ran them in its own folder for the job.
        Assert.Contains($"Job {jobId} placed on agent builder, connected to node b-", a.Process.Output, StringComparison.Ordinal);
        Assert.Contains($"of job {jobId} for agent builder, connected here", b.Process.Output, StringComparison.Ordinal);
        var onB = await b.Process.Client.GetJsonAsync($"/api/jobs/{jobId}");
        Assert.Equal("Finished", onB.Str("status"));
        await cluster.Agents[0].WaitForOutputAsync($"Job {jobId} ended; its folder", "the agent to be told the job ended, through node b");

        // A request written into the database by anyone but a node (no valid MAC) is refused and audited; the agent runs nothing.
        await cluster.Postgres.PsqlAsync("p4flow", """
            INSERT INTO hub_requests (kind, job_id, agent_id, fingerprint, body, origin, created_at, cancelled)
            VALUES ('run', 'forged-job', 'builder', 'x', 'AAAA.{"JobId":"forged-job","Stage":null,"Args":["/bin/echo","forged"],"Env":{},"TimeoutSeconds":30,"Stdin":null,"SealedStdin":null}', 'nowhere', now(), false)
            """);
        await cluster.Postgres.PsqlAsync("p4flow", "SELECT pg_notify('p4flow_hub', 'builder')");
        await Eventually.Until(() => cluster.Postgres.PsqlAsync("p4flow", "SELECT coalesce(error, '') FROM hub_requests WHERE job_id = 'forged-job'"),
            e => e.Contains("failed its integrity check", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "node b to refuse the forged request");
        Assert.Contains("CLUSTER_REQUEST_REFUSED", await File.ReadAllTextAsync(Path.Combine(b.Home, "logs", "audit.jsonl")), StringComparison.Ordinal);
        Assert.DoesNotContain("forged-job", cluster.Agents[0].Output, StringComparison.Ordinal);

        // The audit log is the cluster's: node a's API shows what node b audited, with b as its node; filters and pages hold.
        var refused = await Eventually.Until(() => a.Process.Client.GetJsonAsync("/api/audit?event_type=CLUSTER_REQUEST_REFUSED"),
            p => p["total"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(30), "node a to list the refusal node b audited");
        Assert.StartsWith("b-", refused["items"]![0]!.Str("node"), StringComparison.Ordinal);
        Assert.Equal("builder", refused["items"]![0]!.Str("agent_id"));
        var connects = await a.Process.Client.GetJsonAsync("/api/audit?event_type=AGENT_CONNECTED&agent_id=builder&pageSize=1");
        Assert.Single(connects["items"]!.AsArray());
        Assert.StartsWith("b-", connects["items"]![0]!.Str("node"), StringComparison.Ordinal);
        Assert.Equal(0, (await a.Process.Client.GetJsonAsync($"/api/audit?event_type=AGENT_CONNECTED&since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture))}"))["total"]!.GetValue<int>());

        // The operator's pause is the cluster's: paused on a, b holds its commands too; resumed on b, a goes on.
        using (var paused = await a.Process.Client.PostJsonAsync("/api/admin/pause", new JsonObject { ["reason"] = "patching" })) paused.EnsureSuccessStatusCode();
        await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/admin/pause"), p => p["paused"]!.GetValue<bool>(), TimeSpan.FromSeconds(30), "node b to be paused too");
        using (var resumed = await b.Process.Client.PostJsonAsync("/api/admin/resume", null)) resumed.EnsureSuccessStatusCode();
        await Eventually.Until(() => a.Process.Client.GetJsonAsync("/api/admin/pause"), p => !p["paused"]!.GetValue<bool>(), TimeSpan.FromSeconds(30), "node a to be resumed too");

        // An agent connected to b is drained through a: no node places a job on it.
        using (var drained = await a.Process.Client.PostJsonAsync("/api/agents/builder/drain", null)) Assert.True(drained.IsSuccessStatusCode, await drained.Content.ReadAsStringAsync());
        await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/agents"), l => l.AsArray().Any(x => x!.Str("id") == "builder" && x!["draining"]!.GetValue<bool>()),
            TimeSpan.FromSeconds(30), "node b to see its agent drained");
        var drainedOnB = await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/audit?event_type=AGENT_DRAINED"), p => p["total"]!.GetValue<int>() >= 1,
            TimeSpan.FromSeconds(30), "node b to list the drain node a audited");
        Assert.StartsWith("a-", drainedOnB["items"]![0]!.Str("node"), StringComparison.Ordinal);

        // Recurring work runs once across the cluster, not once per node: the ResolveWatcher every 2 s.
        var runs = await cluster.Postgres.PsqlAsync("p4flow", "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%ResolveWatcher%' AND createdat > now() - interval '10 seconds'");
        Assert.InRange(int.Parse(runs, System.Globalization.CultureInfo.InvariantCulture), 2, 7);
    }

    [Fact]
    public async Task Cluster_AnAgentsCapacityIsTheClusters_EveryNodeListsItAndTheQueues_AndNoNodeOverbooksIt()
    {
        const string Changed = "one\nTWO\nthree\n";
        using var slow = await SimDepot.CreateWithChangeOnMainAsync(Base, Changed);
        using var second = await SimDepot.CreateWithChangeOnMainAsync(Base, Changed);
        using var third = await SimDepot.CreateWithChangeOnMainAsync(Base, Changed);
        // The first job integrates for a while: long enough for the others to find the agent's cores taken.
        await slow.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 15000, ["commands"] = new JsonArray("integrate") });
        await using var cluster = await ClusterNodes.StartAsync(2, ["builder"], ("P4FLOW_resources__priority_aging", "3600"));
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        // The only agent, on b, has 2 cores.
        cluster.StartAgent("builder", new Dictionary<string, string> { ["agent__cpu_cores"] = "2", ["agent__max_jobs"] = "4" }, b);

        // Node a lists the agent of node b, with its node.
        var listed = await Eventually.Until(() => a.Process.Client.GetJsonAsync("/api/agents"),
            l => l.AsArray().Any(x => x!.Str("id") == "builder" && x!.Str("state") == "HEALTHY"), TimeSpan.FromSeconds(60), "node a to list the agent connected to node b");
        var seen = listed.AsArray().Single(x => x!.Str("id") == "builder")!;
        Assert.StartsWith("b-", seen.Str("node"), StringComparison.Ordinal);
        Assert.Equal(2, seen["cpuCores"]!.GetValue<double>());

        async Task<string> StartAsync(ClusterNodes.Node node, SimDepot depot, double cores)
        {
            using var start = await node.Process.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", new JsonObject
            {
                ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root,
                ["resources"] = new JsonObject { ["cpu_cores"] = cores },
            });
            Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
            return (await start.ReadJsonAsync()).Str("jobId");
        }

        // Placed by a on b's agent: 1.5 of its 2 cores.
        var first = await StartAsync(a, slow, 1.5);
        await a.Process.Client.WaitForJobAsync(first, j => j.Str("stage") == "INTEGRATE", "to be integrating on the agent of node b");
        await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/agents"),
            l => l.AsArray().Any(x => x!.Str("id") == "builder" && x!["cpuCoresUsed"]!.GetValue<double>() == 1.5), TimeSpan.FromSeconds(30), "node b to count the cores node a placed on its agent");

        // Neither b (its own agent) nor a (the other node's agent) places a job for which 0.5 core is not enough.
        var onB = await StartAsync(b, second, 1);
        var onA = await StartAsync(a, third, 1);
        foreach (var node in new[] { b, a })
        {
            await Eventually.Until(() => node.Process.Client.GetJsonAsync("/api/admission"),
                l => l["waiting"]!.AsArray().Any(w => w!.Str("reason").StartsWith("every agent that meets its requirements is full", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), $"node {node.Name} to hold its job for the agent's cores");
        }
        // Each node's queue shows on the other, and a job queued on b has its place there when read through a.
        var queues = await Eventually.Until(() => a.Process.Client.GetJsonAsync("/api/admission"),
            q => q["nodes"]!.AsArray().Any(n => n!["waiting"]!.AsArray().Any(w => w!.Str("jobId") == onB)), TimeSpan.FromSeconds(30), "node a to list node b's queue");
        Assert.StartsWith("a-", queues.Str("node"), StringComparison.Ordinal);
        Assert.Equal(onA, queues["waiting"]![0]!.Str("jobId"));
        Assert.StartsWith("b-", queues["nodes"]![0]!.Str("node"), StringComparison.Ordinal);
        Assert.Equal(1, (await a.Process.Client.GetJsonAsync($"/api/jobs/{onB}"))["queuePosition"]!.GetValue<int>());

        // Once the first ends, both fit (1 + 1 of 2 cores) and run.
        var ended = new List<JsonNode>();
        foreach (var (node, jobId) in new[] { (a, first), (b, onB), (a, onA) })
            ended.Add(await node.Process.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end", seconds: 300));
        Assert.True(ended.All(j => j.Str("status") == "Finished"), string.Join("\n", ended.Select(j => j.ToJsonString())) + "\n" + cluster.Outputs());
        static DateTime Entered(JsonNode job, string stage) => job["history"]!.AsArray().Last(h => h!.Str("stage") == stage)!["enteredAt"]!.GetValue<DateTime>();
        var freed = ended[0]["history"]!.AsArray().Last()!["enteredAt"]!.GetValue<DateTime>();
        Assert.All(ended.Skip(1), j => Assert.True(Entered(j, "SYNC") >= freed, $"{j.Str("id")} synced before the first job left the agent's cores\n{cluster.Outputs()}"));
    }

    [Fact]
    public async Task Cluster_ANodeKilledWithJobsInFlight_TheOtherEndsEveryJobOnce_NoCommandRunsTwice()
    {
        const int Jobs = 50;
        var changed = Base.Replace("two", "TWO", StringComparison.Ordinal);
        var depots = new List<SimDepot>();
        await using var cluster = await ClusterNodes.StartAsync(2, ["agent-1", "agent-2"]);
        try
        {
            var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
            var first = cluster.StartAgent("agent-1", a, b);
            var second = cluster.StartAgent("agent-2", b, a);
            await Eventually.Until(() => a.Process.Client.GetJsonAsync("/api/agents"), l => l.AsArray().Any(x => x!.Str("id") == "agent-1" && x!.Str("state") == "HEALTHY"),
                TimeSpan.FromSeconds(60), "agent-1 to connect to node a");
            await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/agents"), l => l.AsArray().Any(x => x!.Str("id") == "agent-2" && x!.Str("state") == "HEALTHY"),
                TimeSpan.FromSeconds(60), "agent-2 to connect to node b");

            // A server per job, each command slowed a little, so that the kill finds commands running.
            using (var gate = new SemaphoreSlim(4))
            {
                depots.AddRange(await Task.WhenAll(Enumerable.Range(0, Jobs).Select(async _ =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var depot = await SimDepot.CreateWithChangeOnMainAsync(Base, changed);
                        await depot.InjectFaultsAsync(new JsonObject { ["kind"] = "latency", ["milliseconds"] = 200 });
                        return depot;
                    }
                    finally
                    {
                        gate.Release();
                    }
                })));
            }
            var jobs = new List<string>();
            foreach (var (depot, i) in depots.Select((d, i) => (d, i)))
            {
                var node = i % 2 == 0 ? a : b;
                using var start = await node.Process.Client.PostJsonAsync("/api/workflow-definitions/p4-integrate/runs", new JsonObject
                {
                    ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["p4port"] = depot.Root,
                });
                Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
                jobs.Add((await start.ReadJsonAsync()).Str("jobId"));
            }

            // In the middle: some jobs done, others with commands out on both agents.
            await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/jobs?status=Finished&limit=200"), l => l["items"]!.AsArray().Count >= Jobs / 5,
                TimeSpan.FromSeconds(300), "a fifth of the jobs to finish");
            await a.Process.KillAsync();

            var ended = new List<JsonNode>();
            foreach (var jobId in jobs)
                ended.Add(await b.Process.Client.WaitForJobAsync(jobId, j => j.Str("status") is "Finished" or "Faulted" or "Cancelled", "to end on the surviving node", seconds: 300));
            Assert.True(ended.All(j => j.Str("status") == "Finished"), string.Join("\n", ended.Where(j => j.Str("status") != "Finished").Select(j => j.ToJsonString())) + "\n" + cluster.Outputs());
            Assert.Contains("Took over the work of node a-", b.Process.Output, StringComparison.Ordinal);

            // Each server has its integration submitted once: the branch, then one integration change.
            foreach (var depot in depots)
            {
                Assert.Equal(changed, await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));
                Assert.Equal(2, (await depot.RunAsync("changes", "//depot/rel/...")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            }
            // No command ran twice on an agent: each number once, whichever node sent it or asked for it again.
            foreach (var agent in new[] { first, second })
            {
                var runs = System.Text.RegularExpressions.Regex.Matches(agent.Output, @"Cmd (\d+) of job (\S+): running").Select(m => m.Groups[1].Value).ToList();
                Assert.NotEmpty(runs);
                Assert.True(runs.Count == runs.Distinct().Count(), $"{agent.Name} ran a command twice:\n{agent.Output}");
            }
            // agent-1 went on to the surviving node; every job shows there.
            await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/agents"), l => l.AsArray().Any(x => x!.Str("id") == "agent-1" && x!.Str("state") == "HEALTHY"),
                TimeSpan.FromSeconds(60), "agent-1 to reconnect to node b");
            var listed = await b.Process.Client.GetJsonAsync("/api/jobs?status=Finished&limit=200");
            Assert.True(jobs.All(j => listed["items"]!.AsArray().Any(x => x!.Str("id") == j)));

            // The survivor lists the killed node as down, taken over by itself, and counts the takeover.
            var nodes = await b.Process.Client.GetJsonAsync("/api/cluster");
            var down = nodes["nodes"]!.AsArray().Single(n => n!.Str("id").StartsWith("a-", StringComparison.Ordinal))!;
            Assert.Equal(("down", nodes.Str("node")), (down.Str("state"), down.Str("takenBy")));
            var scrape = await b.ScrapeAsync();
            Assert.Contains("\np4_cluster_takeovers_total 1\n", scrape, StringComparison.Ordinal);
            Assert.Contains("\np4_cluster_nodes_live 1\n", scrape, StringComparison.Ordinal);
        }
        catch
        {
            // What each process said, for the reader of a failure.
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "p4flow-cluster-failure.log"), cluster.Outputs());
            throw;
        }
        finally
        {
            foreach (var depot in depots) depot.Dispose();
        }
    }
}
