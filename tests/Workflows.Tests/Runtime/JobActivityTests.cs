using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Runtime;

public sealed class JobActivityTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly EngineHost _engine = fixture.Host;

    [Fact]
    public async Task JobActivity_Started_RunsInBackgroundWorkerWhileJobIsSuspended()
    {
        await _engine.PublishAsync(JobFlow("job-background", new() { ["value"] = Flow.Lit(1), ["hold"] = Flow.Lit(true) }).Build());
        var job = await _engine.StartAsync("job-background");

        // The work is running on a worker and has not returned, yet the job's state is committed as waiting.
        await Eventually.WithinAsync(_engine.Gate.EnteredAsync(job.Id), "the job activity's work to start");
        var waiting = await _engine.GetAsync(job.Id);
        Assert.Equal(WorkflowStatus.Suspended, waiting.Status);
        var bookmark = Assert.Single(waiting.Bookmarks);
        Assert.Equal(BookmarkDispatch.Job, bookmark.Dispatch);
        Assert.Equal(ExecutionStatus.Suspended, (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "work").Status);
        Assert.DoesNotContain("after", _engine.Journal.Ran(job.Id));

        _engine.Gate.Release(job.Id);

        await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Finished);
        Assert.Equal(["work", "after"], _engine.Journal.Ran(job.Id));
    }

    [Fact]
    public async Task JobActivity_Outputs_ReachExecutionRecordAndLaterExpressions()
    {
        var definition = JobFlow("job-outputs", new() { ["value"] = Flow.Js("input.n") }, after: Flow.Js("activities.work.doubled + 1"))
            .Input("n", DataType.Number, required: true)
            .Build();

        var job = await _engine.RunAsync(definition, new JsonObject { ["n"] = 21 });

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        var work = (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "work");
        Assert.Equal(ExecutionStatus.Completed, work.Status);
        Assert.Equal(21, work.Inputs?["value"]?.GetValue<double>());
        Assert.Equal(42, work.Outputs?["doubled"]?.GetValue<double>());
        Assert.Equal(43, _engine.Journal.For(job.Id).Single(e => e.ActivityId == "after").Value?.GetValue<double>());
    }

    [Fact]
    public async Task JobActivity_NamedOutcome_FollowsThatPort()
    {
        var definition = JobFlow("job-outcome", new() { ["outcome"] = Flow.Lit("Retry") })
            .Add("retry", nameof(Step))
            .Connect("work", "retry", "Retry")
            .Build();

        var job = await _engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal(["work", "retry"], _engine.Journal.Ran(job.Id));
    }

    [Fact]
    public async Task JobActivity_ReturnsFailure_FaultsJobWithErrorAndErrorClass()
    {
        var definition = JobFlow("job-fails", new() { ["error"] = Flow.Lit("p4 connect failed"), ["errorClass"] = Flow.Lit("NETWORK_ERROR") }).Build();

        var job = await _engine.RunAsync(definition);

        Assert.True(job.Status == WorkflowStatus.Faulted, $"The job should fault but is {EngineHost.Describe(job)}");
        Assert.Equal(WorkflowInstance.FailedStage, job.CurrentStage);
        Assert.Equal(new FaultInfo("p4 connect failed", "work", "NETWORK_ERROR"), job.Fault);
        var work = (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "work");
        Assert.Equal(ExecutionStatus.Faulted, work.Status);
        Assert.Equal("NETWORK_ERROR", work.ErrorClass);
        Assert.DoesNotContain("after", _engine.Journal.Ran(job.Id));
    }

    [Fact]
    public async Task Delay_TwoSeconds_WaitsOnTimerThenResumesAfterAboutThatLong()
    {
        await _engine.PublishAsync(DelayFlow("delay", seconds: 2));
        var clock = Stopwatch.StartNew();
        var job = await _engine.StartAsync("delay");

        var waiting = await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Suspended);
        var timer = Assert.Single(waiting.Bookmarks);
        Assert.Equal(BookmarkDispatch.Timer, timer.Dispatch);
        Assert.Empty(_engine.Journal.Ran(job.Id));

        await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Finished);
        clock.Stop();
        // A scheduler that keeps whole seconds (Hangfire; see FireTimerAsync_BeforeResumeAt_LeavesDelayWaiting) may fire up to
        // 1 s early; how late it runs is the machine's load, so "about that long" is the timer's due time, not a wall clock.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"resumed after {clock.Elapsed}");
        var delay = (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "delay");
        Assert.InRange(timer.ResumeAt!.Value - delay.StartedAt, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        Assert.True(delay.CompletedAt!.Value - delay.StartedAt >= TimeSpan.FromSeconds(1), $"the delay completed {delay.CompletedAt - delay.StartedAt} after it started");
        Assert.Equal(["after"], _engine.Journal.Ran(job.Id));
    }

    [Fact]
    public async Task FireTimerAsync_BeforeResumeAt_LeavesDelayWaiting()
    {
        await _engine.PublishAsync(DelayFlow("delay-early", seconds: 60));
        var job = await _engine.StartAsync("delay-early");
        var waiting = await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Suspended);
        var timer = Assert.Single(waiting.Bookmarks);

        try
        {
            // What a scheduler that keeps whole seconds (Hangfire) does when it fires a timer up to a second early.
            await _engine.Services.GetRequiredService<BackgroundActivityInvoker>().FireTimerAsync(job.Id, timer.Id, CancellationToken.None);

            var after = await _engine.GetAsync(job.Id);
            Assert.True(after.Status == WorkflowStatus.Suspended, $"A 60 s delay fired after {(DateTime.UtcNow - timer.CreatedAt).TotalSeconds:0.0} s should still wait; the job is {EngineHost.Describe(after)}");
            Assert.Empty(_engine.Journal.Ran(job.Id));
        }
        finally
        {
            if (!(await _engine.GetAsync(job.Id)).Status.IsTerminal()) await _engine.Runtime.CancelAsync(job.Id, "test over", CancellationToken.None);
        }
    }

    private static WorkflowDefinition DelayFlow(string definitionId, double seconds) => Flow.Create(definitionId)
        .Add("start", nameof(Start))
        .Add("delay", nameof(Delay), new() { ["seconds"] = Flow.Lit(seconds) })
        .Add("after", nameof(Step))
        .Chain("start", "delay", "after")
        .Build();

    // start -> work (TestJob with the given inputs) -> after (Step with the given value).
    private static Flow JobFlow(string definitionId, Dictionary<string, InputValue> work, InputValue? after = null) => Flow.Create(definitionId)
        .Add("start", nameof(Start))
        .Add("work", nameof(TestJob), work, stage: "SYNC")
        .Add("after", nameof(Step), after is null ? null : new() { ["value"] = after })
        .Chain("start", "work", "after");
}
