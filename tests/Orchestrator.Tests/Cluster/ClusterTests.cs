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
        await using var cluster = await ClusterNodes.StartAsync(2, ["builder"]);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        // The only agent is connected to b.
        cluster.StartAgent("builder", b);
        await Eventually.Until(() => b.Process.Client.GetJsonAsync("/api/agents"), l => l.AsArray().Any(x => x!.Str("id") == "builder" && x!.Str("state") == "HEALTHY"),
            TimeSpan.FromSeconds(60), "the agent to connect to node b");

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
    }
}
