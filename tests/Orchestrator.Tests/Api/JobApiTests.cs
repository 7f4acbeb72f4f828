using System.Net;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class JobApiTests(ApiFactory factory)
{
    private const string Runs = "/api/workflow-definitions/signal-then-delay/runs";
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Run_ThenResume_FinishesWithHistoryAndExecutions()
    {
        using var started = await _client.PostJsonAsync(Runs, new { target = "//depot/rel/...", delaySeconds = 0 });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var jobId = (await started.ReadJsonAsync()).Str("jobId");
        Assert.Equal($"/api/jobs/{jobId}", started.Headers.Location?.ToString());

        var waiting = await _client.WaitForJobAsync(jobId, j => j.Str("status") == "Suspended", "to wait for the signal");
        Assert.Equal("WAITING", waiting.Str("stage"));
        Assert.Equal("go", waiting["waitingOn"]![0]!.Str("name"));
        Assert.Equal("//depot/rel/... ready", waiting["variables"]!["before"]!.GetValue<string>());

        using var resumed = await _client.PostJsonAsync($"/api/jobs/{jobId}/resume", new { bookmark = "go", payload = new { by = "ana" }, expectedStage = "WAITING" });
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);

        var done = await _client.WaitForJobAsync(jobId, j => j.Str("status") == "Finished", "to finish");
        Assert.Equal("COMPLETED", done.Str("stage"));
        Assert.Equal(["BEFORE", "WAITING", "PAUSED", "AFTER", "COMPLETED"], done["history"]!.AsArray().Select(h => h!.Str("stage")));
        Assert.Equal(["start", "before", "wait", "pause", "after", "finish"], done["activities"]!.AsArray().Select(a => a!.Str("activityId")));
        Assert.All(done["activities"]!.AsArray(), a => Assert.Equal("Completed", a!.Str("status")));
        Assert.Equal("ana", done["variables"]!["after"]!["by"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_BadInputs_Answers400NamingEachInput()
    {
        using var missing = await _client.PostJsonAsync(Runs, new { delaySeconds = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.NotNull((await missing.ReadJsonAsync())["errors"]!["input.target"]);

        using var bad = await _client.PostJsonAsync(Runs, new { target = "-b evil", delaySeconds = "soon", color = "red" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJsonAsync())["errors"]!;
        Assert.Contains("must match", errors["input.target"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Number", errors["input.delaySeconds"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(errors["input.color"]);

        using var priority = await _client.PostJsonAsync(Runs, new { target = "//depot/a", priority = "urgent" });
        Assert.Equal(HttpStatusCode.BadRequest, priority.StatusCode);

        using var unknown = await _client.PostJsonAsync("/api/workflow-definitions/no-such-workflow/runs", new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Resume_WrongBookmarkStageOrMissingName_Answers409Or400()
    {
        var jobId = await StartWaitingJobAsync();

        using var wrongName = await _client.PostJsonAsync($"/api/jobs/{jobId}/resume", new { bookmark = "stop" });
        Assert.Equal(HttpStatusCode.Conflict, wrongName.StatusCode);
        Assert.Contains("not waiting on 'stop'", (await wrongName.ReadJsonAsync()).Str("detail"), StringComparison.Ordinal);

        using var wrongStage = await _client.PostJsonAsync($"/api/jobs/{jobId}/resume", new { bookmark = "go", expectedStage = "NEEDS_RESOLVE" });
        Assert.Equal(HttpStatusCode.Conflict, wrongStage.StatusCode);
        Assert.Contains("WAITING", (await wrongStage.ReadJsonAsync()).Str("detail"), StringComparison.Ordinal);

        using var noName = await _client.PostJsonAsync($"/api/jobs/{jobId}/resume", new { payload = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.NotNull((await noName.ReadJsonAsync())["errors"]!["bookmark"]);

        using var unknownJob = await _client.PostJsonAsync("/api/jobs/0000/resume", new { bookmark = "go" });
        Assert.Equal(HttpStatusCode.NotFound, unknownJob.StatusCode);

        var still = await _client.GetJsonAsync($"/api/jobs/{jobId}");
        Assert.Equal("Suspended", still.Str("status"));
    }

    [Fact]
    public async Task Cancel_SuspendedJob_CancelsThenSecondCancelConflicts()
    {
        var jobId = await StartWaitingJobAsync();

        using var cancelled = await _client.PostJsonAsync($"/api/jobs/{jobId}/cancel", new { reason = "not needed" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var job = await cancelled.ReadJsonAsync();
        Assert.Equal("Cancelled", job.Str("status"));
        Assert.Equal("CANCELLED", job.Str("stage"));
        Assert.Empty(job["waitingOn"]!.AsArray());

        using var again = await _client.PostJsonAsync($"/api/jobs/{jobId}/cancel", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        using var resume = await _client.PostJsonAsync($"/api/jobs/{jobId}/resume", new { bookmark = "go" });
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);

        using var unknown = await _client.PostJsonAsync("/api/jobs/0000/cancel", new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task ListJobs_FiltersAndPages_RejectsBadFilters()
    {
        var first = await StartWaitingJobAsync();
        var second = await StartWaitingJobAsync();

        var suspended = await _client.GetJsonAsync("/api/jobs?status=Suspended&definitionId=signal-then-delay&stage=WAITING&pageSize=500");
        var ids = suspended["items"]!.AsArray().Select(j => j!.Str("id")).ToList();
        Assert.Contains(first, ids);
        Assert.Contains(second, ids);
        Assert.All(suspended["items"]!.AsArray(), j => Assert.Equal("Suspended", j!.Str("status")));

        var paged = await _client.GetJsonAsync("/api/jobs?pageSize=1&page=1");
        Assert.Single(paged["items"]!.AsArray());
        Assert.True(paged["total"]!.GetValue<int>() >= 2);

        var none = await _client.GetJsonAsync("/api/jobs?definitionId=no-such-workflow");
        Assert.Equal(0, none["total"]!.GetValue<int>());

        using var badStatus = await _client.GetAsync(new Uri("/api/jobs?status=Sleeping", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.NotNull((await badStatus.ReadJsonAsync())["errors"]!["status"]);

        using var badSize = await _client.GetAsync(new Uri("/api/jobs?pageSize=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badSize.StatusCode);

        using var badPage = await _client.GetAsync(new Uri("/api/jobs?page=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);

        using var unknown = await _client.GetAsync(new Uri("/api/jobs/0000", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<string> StartWaitingJobAsync()
    {
        using var started = await _client.PostJsonAsync(Runs, new { target = "//depot/main/..." });
        var jobId = (await started.ReadJsonAsync()).Str("jobId");
        await _client.WaitForJobAsync(jobId, j => j.Str("status") == "Suspended", "to wait for the signal");
        return jobId;
    }
}
