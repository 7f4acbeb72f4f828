using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Runtime;

public sealed class JoinTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly EngineHost _engine = fixture.Host;

    [Fact]
    public async Task Merge_ForkOfTwoWaits_RunsOnceAfterBothArrive()
    {
        await _engine.PublishAsync(TwoSignalsInto("merge-fork", JoinMode.Merge).Build());
        var job = await _engine.StartAsync("merge-fork");
        await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Suspended);

        await _engine.Runtime.ResumeAsync(job.Id, "a", null, null, CancellationToken.None);

        var halfway = await _engine.GetAsync(job.Id);
        Assert.Equal(WorkflowStatus.Suspended, halfway.Status);
        Assert.Equal(0, _engine.Journal.Count(job.Id, "join"));

        await _engine.Runtime.ResumeAsync(job.Id, "b", null, null, CancellationToken.None);

        var done = await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Finished);
        Assert.Equal(["join", "after"], _engine.Journal.Ran(done.Id));
        Assert.Single(await _engine.ExecutionsAsync(job.Id), e => e.ActivityId == "join");
    }

    [Fact]
    public async Task Merge_BranchNotTaken_RunsOnceAndDeadBranchNeverRuns()
    {
        var definition = Flow.Create("merge-dead-path")
            .Input("x", DataType.Integer, required: true)
            .Add("start", nameof(Start))
            .Add("decide", nameof(Decision), new() { ["condition"] = Flow.Js("input.x > 5") })
            .Add("hot", nameof(Step))
            .Add("cold", nameof(Step))
            .Add("coldToo", nameof(Step))
            .Add("join", nameof(Step), join: JoinMode.Merge)
            .Add("after", nameof(Step))
            .Chain("start", "decide")
            .Connect("decide", "hot", "True")
            .Connect("decide", "cold", "False")
            .Chain("cold", "coldToo", "join")
            .Chain("hot", "join", "after")
            .Build();

        var job = await _engine.RunAsync(definition, new JsonObject { ["x"] = 10 });

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal(["hot", "join", "after"], _engine.Journal.Ran(job.Id));
        var executions = await _engine.ExecutionsAsync(job.Id);
        Assert.DoesNotContain(executions, e => e.ActivityId is "cold" or "coldToo");
        Assert.Single(executions, e => e.ActivityId == "join");
    }

    [Fact]
    public async Task Race_FirstWaitResumed_JoinRunsOnceAndOtherWaitIsCancelled()
    {
        await _engine.PublishAsync(TwoSignalsInto("race", JoinMode.Race)
            .Add("hold", nameof(WaitForSignal), new() { ["signal"] = Flow.Lit("hold") })
            .Chain("after", "hold")
            .Build());
        var job = await _engine.StartAsync("race");
        await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Suspended);

        await _engine.Runtime.ResumeAsync(job.Id, "a", null, null, CancellationToken.None);

        var raced = await _engine.GetAsync(job.Id);
        Assert.Equal(WorkflowStatus.Suspended, raced.Status);
        Assert.Equal(["hold"], raced.Bookmarks.Select(b => b.Name));
        Assert.Equal(["join", "after"], _engine.Journal.Ran(job.Id));
        Assert.Empty(await _engine.Store.FindBookmarksAsync(Bookmark.ComputeHash(job.Id, "b"), CancellationToken.None));
        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Runtime.ResumeAsync(job.Id, "b", null, null, CancellationToken.None));
        var executions = await _engine.ExecutionsAsync(job.Id);
        Assert.Equal(ExecutionStatus.Cancelled, executions.Single(e => e.ActivityId == "waitB").Status);
        Assert.Equal(ExecutionStatus.Completed, executions.Single(e => e.ActivityId == "waitA").Status);

        await _engine.Runtime.ResumeAsync(job.Id, "hold", null, null, CancellationToken.None);

        await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Finished);
        Assert.Equal(1, _engine.Journal.Count(job.Id, "join"));
        Assert.Single(await _engine.ExecutionsAsync(job.Id), e => e.ActivityId == "join");
    }

    // start forks into two waits (signals a and b) that both lead into join, then after.
    private static Flow TwoSignalsInto(string definitionId, JoinMode join) => Flow.Create(definitionId)
        .Add("start", nameof(Start))
        .Add("waitA", nameof(WaitForSignal), new() { ["signal"] = Flow.Lit("a") })
        .Add("waitB", nameof(WaitForSignal), new() { ["signal"] = Flow.Lit("b") })
        .Add("join", nameof(Step), join: join)
        .Add("after", nameof(Step))
        .Chain("start", "waitA", "join")
        .Chain("start", "waitB", "join")
        .Chain("join", "after");
}
