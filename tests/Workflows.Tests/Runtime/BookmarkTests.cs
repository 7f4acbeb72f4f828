using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Runtime;

public sealed class BookmarkTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly EngineHost _engine = fixture.Host;

    [Fact]
    public async Task WaitForSignal_Reached_SuspendsWithBookmarkFoundByHash()
    {
        var job = await StartWaitingJobAsync("wait-suspends");

        Assert.Equal("NEEDS_RESOLVE", job.CurrentStage);
        var found = Assert.Single(await _engine.Store.FindBookmarksAsync(Bookmark.ComputeHash(job.Id, "continue"), CancellationToken.None));
        Assert.Equal(job.Id, found.InstanceId);
        Assert.Equal("wait", found.ActivityId);
        Assert.Equal(BookmarkDispatch.External, found.Dispatch);
        var wait = (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "wait");
        Assert.Equal(ExecutionStatus.Suspended, wait.Status);
        Assert.Equal(found.ExecutionId, wait.Id);
        Assert.Empty(_engine.Journal.Ran(job.Id));
    }

    [Fact]
    public async Task ResumeAsync_WithPayload_ContinuesAndLaterExpressionSeesPayload()
    {
        var job = await StartWaitingJobAsync("wait-payload");

        var resumed = await _engine.Runtime.ResumeAsync(job.Id, "continue", new JsonObject { ["user"] = "alice", ["files"] = 3 }, "NEEDS_RESOLVE", CancellationToken.None);

        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Equal("alice resolved 3", _engine.Journal.For(job.Id).Single(e => e.ActivityId == "after").Value?.GetValue<string>());
        Assert.Empty(await _engine.Store.FindBookmarksAsync(Bookmark.ComputeHash(job.Id, "continue"), CancellationToken.None));
        var wait = (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "wait");
        Assert.Equal(ExecutionStatus.Completed, wait.Status);
        Assert.Equal("alice", wait.Outputs?["payload"]?["user"]?.GetValue<string>());
    }

    [Fact]
    public async Task ResumeAsync_NameTheJobDoesNotWaitOn_ThrowsConflictAndKeepsWaiting()
    {
        var job = await StartWaitingJobAsync("wait-wrong-name");

        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Runtime.ResumeAsync(job.Id, "approve", null, null, CancellationToken.None));

        var after = await _engine.GetAsync(job.Id);
        Assert.Equal(WorkflowStatus.Suspended, after.Status);
        Assert.Single(await _engine.Store.FindBookmarksAsync(Bookmark.ComputeHash(job.Id, "continue"), CancellationToken.None));
        Assert.Empty(_engine.Journal.Ran(job.Id));
    }

    [Fact]
    public async Task ResumeAsync_WrongExpectedStage_ThrowsConflictAndKeepsWaiting()
    {
        var job = await StartWaitingJobAsync("wait-wrong-stage");

        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Runtime.ResumeAsync(job.Id, "continue", null, "SYNC", CancellationToken.None));

        Assert.Equal(WorkflowStatus.Suspended, (await _engine.GetAsync(job.Id)).Status);
        Assert.Single(await _engine.Store.FindBookmarksAsync(Bookmark.ComputeHash(job.Id, "continue"), CancellationToken.None));
        Assert.Empty(_engine.Journal.Ran(job.Id));
    }

    [Fact]
    public async Task ResumeAsync_FinishedJob_ThrowsConflict()
    {
        var job = await StartWaitingJobAsync("wait-finished");
        await _engine.Runtime.ResumeAsync(job.Id, "continue", new JsonObject { ["user"] = "bob", ["files"] = 1 }, null, CancellationToken.None);

        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Runtime.ResumeAsync(job.Id, "continue", null, null, CancellationToken.None));

        Assert.Equal(1, _engine.Journal.Count(job.Id, "after"));
    }

    private async Task<WorkflowInstance> StartWaitingJobAsync(string definitionId)
    {
        await _engine.PublishAsync(Flow.Create(definitionId)
            .Add("start", nameof(Start))
            .Add("wait", nameof(WaitForSignal), new() { ["signal"] = Flow.Lit("continue") }, stage: "NEEDS_RESOLVE")
            .Add("after", nameof(Step), new() { ["value"] = Flow.Js("activities.wait.payload.user + ' resolved ' + activities.wait.payload.files") }, stage: "RESOLVE_CHECK")
            .Chain("start", "wait", "after")
            .Build());
        var job = await _engine.StartAsync(definitionId);
        return await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Suspended);
    }
}
