using P4Flow.Studio.Services;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Studio.Tests.Services;

public sealed class JobEventsTests
{
    [Fact]
    public void StepCommitted_SubscribersOfTheJobAndOfAll_GetSnapshotsThatLaterChangesDoNotTouch()
    {
        var events = new JobEvents();
        var forJob = new List<JobUpdate>();
        var forAll = new List<JobUpdate>();
        using var one = events.Subscribe("job-1", forJob.Add);
        using var all = events.Subscribe(null, forAll.Add);
        var instance = new WorkflowInstance { Id = "job-1", Status = WorkflowStatus.Running, CurrentStage = "SYNC", Revision = 3 };
        var changes = new StepChanges();
        var record = new ActivityExecutionRecord { Id = "e1", ActivityId = "sync", Status = ExecutionStatus.Completed, Sequence = 1, Outcomes = ["Done"] };
        changes.AddedExecutions.Add(record);

        events.StepCommitted(instance, new JobSnapshot(WorkflowStatus.Pending, null, DateTime.UtcNow), changes);
        record.Status = ExecutionStatus.Faulted;
        instance.CurrentStage = "INTEGRATE";
        changes.Clear();

        var update = Assert.Single(forJob);
        Assert.Equal("SYNC", update.Job.Stage);
        Assert.Equal(3, update.Job.Revision);
        Assert.Equal(ExecutionStatus.Completed, Assert.Single(update.Executions).Status);
        Assert.Equal("job-1", Assert.Single(forAll).Job.Id);
    }

    [Fact]
    public void StepCommitted_OnlyTheJobsListWatches_SendsNoExecutions()
    {
        var events = new JobEvents();
        var updates = new List<JobUpdate>();
        using var all = events.Subscribe(null, updates.Add);
        var changes = new StepChanges();
        changes.AddedExecutions.Add(new ActivityExecutionRecord { Id = "e1", ActivityId = "a" });

        events.StepCommitted(new WorkflowInstance { Id = "job-4" }, default, changes);

        Assert.Empty(Assert.Single(updates).Executions);
    }

    [Fact]
    public void StepCommitted_AfterDispose_NoLongerCalledAndAThrowingHandlerDoesNotFailTheEngine()
    {
        var events = new JobEvents();
        var calls = 0;
        var subscription = events.Subscribe("job-2", _ => calls++);
        using var broken = events.Subscribe("job-2", _ => throw new InvalidOperationException("circuit gone"));
        var instance = new WorkflowInstance { Id = "job-2" };

        events.StepCommitted(instance, default, new StepChanges());
        subscription.Dispose();
        events.StepCommitted(instance, default, new StepChanges());

        Assert.Equal(1, calls);
    }

    [Fact]
    public void Compute_MixedExecutions_MapsToNodeStates()
    {
        var job = JobSummary.From(new WorkflowInstance
        {
            Id = "job-3",
            Status = WorkflowStatus.Suspended,
            Bookmarks =
            [
                new Bookmark { ActivityId = "approve", Name = "approve", Dispatch = BookmarkDispatch.External },
                new Bookmark { ActivityId = "sync", Name = "job", Dispatch = BookmarkDispatch.Job },
            ],
        });
        ExecutionSnapshot Run(string activity, int sequence, ExecutionStatus status) =>
            new($"e{sequence}", sequence, activity, "T", null, status, null, null, null, DateTime.UtcNow, null, null, null);

        var states = NodeStates.Compute(job, [
            Run("start", 1, ExecutionStatus.Completed),
            Run("sync", 2, ExecutionStatus.Suspended),
            Run("approve", 3, ExecutionStatus.Suspended),
            Run("check", 4, ExecutionStatus.Faulted),
            Run("check", 5, ExecutionStatus.Completed),
        ]);

        Assert.Equal(NodeStates.Done, states["start"]);
        Assert.Equal(NodeStates.Running, states["sync"]);
        Assert.Equal(NodeStates.Waiting, states["approve"]);
        Assert.Equal(NodeStates.Done, states["check"]);
        Assert.False(states.ContainsKey("finish"));
    }
}
