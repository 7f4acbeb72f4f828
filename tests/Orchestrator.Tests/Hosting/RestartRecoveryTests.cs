using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Hosting;

/// <summary>Kills a real orchestrator mid-work and starts it again on the same SQLite file.</summary>
public sealed class RestartRecoveryTests
{
    private const string Runs = "/api/workflow-definitions/signal-then-delay/runs";

    [Fact]
    public async Task Restart_AfterKill_EveryJobContinuesFromItsLastStepAndNothingRunsTwice()
    {
        var home = OrchestratorProcess.CreateHome();
        string delayed, waiting;
        var burst = new List<string>();
        await using (var first = OrchestratorProcess.Start(home))
        {
            await first.WaitReadyAsync();
            var client = first.Client;
            delayed = await StartAsync(client, delaySeconds: 4);
            waiting = await StartAsync(client, delaySeconds: 0);
            await client.WaitForJobAsync(delayed, j => j.Str("status") == "Suspended", "to wait for the signal");
            await client.WaitForJobAsync(waiting, j => j.Str("status") == "Suspended", "to wait for the signal");
            using (var resumed = await client.PostJsonAsync($"/api/jobs/{delayed}/resume", new { bookmark = "go", payload = "first run" }))
                Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync());
            await client.WaitForJobAsync(delayed, j => j.Str("stage") == "PAUSED", "to enter its delay");
            // Work still queued or running when the process dies.
            for (var i = 0; i < 10; i++) burst.Add(await StartAsync(client, delaySeconds: 0));
            await first.KillAsync();
        }

        await using var second = OrchestratorProcess.Start(home, port: null);
        await second.WaitReadyAsync();
        var api = second.Client;

        var finished = await api.WaitForJobAsync(delayed, j => j.Str("status") == "Finished", "to finish its delay after the restart");
        AssertRanOnceEach(finished, "start", "before", "wait", "pause", "after", "finish");
        Assert.Equal("first run", finished["variables"]!["after"]!.GetValue<string>());

        var stillWaiting = await api.GetJsonAsync($"/api/jobs/{waiting}");
        Assert.Equal("Suspended", stillWaiting.Str("status"));
        Assert.Equal("WAITING", stillWaiting.Str("stage"));
        using (var resumed = await api.PostJsonAsync($"/api/jobs/{waiting}/resume", new { bookmark = "go", payload = "second run" }))
            Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync());
        var done = await api.WaitForJobAsync(waiting, j => j.Str("status") == "Finished", "to finish after a resume following the restart");
        AssertRanOnceEach(done, "start", "before", "wait", "pause", "after", "finish");

        foreach (var id in burst)
        {
            var job = await api.WaitForJobAsync(id, j => j.Str("status") == "Suspended", "to reach its wait after the restart");
            AssertRanOnceEach(job, "start", "before", "wait");
        }
    }

    private static async Task<string> StartAsync(HttpClient client, int delaySeconds)
    {
        using var response = await client.PostJsonAsync(Runs, new { target = "//depot/rel/...", delaySeconds });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).Str("jobId");
    }

    private static void AssertRanOnceEach(JsonNode job, params string[] activityIds)
    {
        var executions = job["activities"]!.AsArray().Select(a => a!.Str("activityId")).ToList();
        Assert.Equal(activityIds, executions);
    }
}
