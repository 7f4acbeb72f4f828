using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Runtime;

public sealed class StageTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly EngineHost _engine = fixture.Host;

    [Fact]
    public async Task TransitionStageAsync_FromWrongStage_ThrowsConflictAndKeepsStage()
    {
        var job = await StartWaitingJobAsync("stage-wrong");

        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Runtime.TransitionStageAsync(job.Id, "SYNC", "RESOLVE_CHECK", null, CancellationToken.None));

        var after = await _engine.GetAsync(job.Id);
        Assert.Equal("NEEDS_RESOLVE", after.CurrentStage);
        Assert.Equal(job.StageHistory.Count, after.StageHistory.Count);
    }

    [Fact]
    public async Task TransitionStageAsync_FromCurrentStage_MovesStageAndRecordsHistory()
    {
        var job = await StartWaitingJobAsync("stage-right");

        await _engine.Runtime.TransitionStageAsync(job.Id, "NEEDS_RESOLVE", "RESOLVE_CHECK", "resolved by hand", CancellationToken.None);

        var after = await _engine.GetAsync(job.Id);
        Assert.Equal("RESOLVE_CHECK", after.CurrentStage);
        Assert.Equal(["SYNC", "NEEDS_RESOLVE", "RESOLVE_CHECK"], after.StageHistory.Select(s => s.Stage));
        Assert.Equal("resolved by hand", after.StageHistory[^1].Reason);
        Assert.Equal(WorkflowStatus.Suspended, after.Status);
        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Runtime.TransitionStageAsync(job.Id, "NEEDS_RESOLVE", "RESOLVE_CHECK", null, CancellationToken.None));
    }

    [Fact]
    public async Task CancelAsync_FinishedJob_ThrowsConflict()
    {
        var job = await StartWaitingJobAsync("cancel-finished");
        await _engine.Runtime.ResumeAsync(job.Id, "continue", null, null, CancellationToken.None);
        await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Finished);

        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Runtime.CancelAsync(job.Id, "too late", CancellationToken.None));

        var after = await _engine.GetAsync(job.Id);
        Assert.Equal(WorkflowStatus.Finished, after.Status);
        Assert.Equal(WorkflowInstance.CompletedStage, after.CurrentStage);
    }

    [Fact]
    public async Task CancelAsync_SuspendedJob_RemovesBookmarksAndCancels()
    {
        var job = await StartWaitingJobAsync("cancel-suspended");

        await _engine.Runtime.CancelAsync(job.Id, "operator gave up", CancellationToken.None);

        var after = await _engine.GetAsync(job.Id);
        Assert.Equal(WorkflowStatus.Cancelled, after.Status);
        Assert.Equal(WorkflowInstance.CancelledStage, after.CurrentStage);
        Assert.Equal("operator gave up", after.Fault?.Message);
        Assert.Empty(after.Bookmarks);
        Assert.Empty(await _engine.Store.FindBookmarksAsync(Bookmark.ComputeHash(job.Id, "continue"), CancellationToken.None));
        Assert.Equal(ExecutionStatus.Cancelled, (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "wait").Status);
        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Runtime.ResumeAsync(job.Id, "continue", null, null, CancellationToken.None));
        Assert.Empty(_engine.Journal.Ran(job.Id));
    }

    private async Task<WorkflowInstance> StartWaitingJobAsync(string definitionId)
    {
        await _engine.PublishAsync(Flow.Create(definitionId)
            .Add("start", nameof(Start))
            .Add("sync", nameof(SetVariable), new() { ["variable"] = Flow.Lit("synced"), ["value"] = Flow.Lit(true) }, stage: "SYNC")
            .Add("wait", nameof(WaitForSignal), new() { ["signal"] = Flow.Lit("continue") }, stage: "NEEDS_RESOLVE")
            .Add("after", nameof(Step))
            .Chain("start", "sync", "wait", "after")
            .Build());
        var job = await _engine.StartAsync(definitionId);
        return await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Suspended);
    }
}
