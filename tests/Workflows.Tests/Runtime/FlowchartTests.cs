using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Runtime;

public sealed class FlowchartTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly EngineHost _engine = fixture.Host;

    [Fact]
    public async Task Run_LinearFlowchart_RunsInOrderAndRecordsStages()
    {
        var definition = WorkflowJson.Deserialize<WorkflowDefinition>(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Runtime", "Scenarios", "linear-stages.json")));

        var job = await _engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal(WorkflowInstance.CompletedStage, job.CurrentStage);
        Assert.Equal(["SYNC", "INTEGRATE", "P4PUSH", "COMPLETED"], job.StageHistory.Select(s => s.Stage));
        var executions = await _engine.ExecutionsAsync(job.Id);
        Assert.Equal(["start", "sync", "integrate", "check", "push"], executions.Select(e => e.ActivityId));
        Assert.Equal([1, 2, 3, 4, 5], executions.Select(e => e.Sequence));
        Assert.All(executions, e => Assert.Equal(ExecutionStatus.Completed, e.Status));
        Assert.Equal([null, "SYNC", "INTEGRATE", "INTEGRATE", "P4PUSH"], executions.Select(e => e.Stage));
        Assert.Equal(["sync", "integrate", "check", "push"], _engine.Journal.Ran(job.Id));
        Assert.Equal("synced then integrated", _engine.Journal.For(job.Id)[1].Value?.GetValue<string>());
    }

    [Theory]
    [InlineData(10, "high", "low", "True")]
    [InlineData(1, "low", "high", "False")]
    public async Task Decision_ConditionOverInput_FollowsOnlyThePortOfItsOutcome(int x, string taken, string skipped, string outcome)
    {
        var definition = Flow.Create($"decision-{x}")
            .Input("x", DataType.Integer, required: true)
            .Add("start", nameof(Start))
            .Add("decide", nameof(Decision), new() { ["condition"] = Flow.Js("input.x > 5") })
            .Add("high", nameof(Step))
            .Add("low", nameof(Step))
            .Chain("start", "decide")
            .Connect("decide", "high", "True")
            .Connect("decide", "low", "False")
            .Build();

        var job = await _engine.RunAsync(definition, new JsonObject { ["x"] = x });

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal([taken], _engine.Journal.Ran(job.Id));
        var executions = await _engine.ExecutionsAsync(job.Id);
        Assert.DoesNotContain(executions, e => e.ActivityId == skipped);
        Assert.Equal([outcome], executions.Single(e => e.ActivityId == "decide").Outcomes!);
    }

    [Fact]
    public async Task Run_OutcomePortWithoutConnection_EndsThatBranchAndJobFinishes()
    {
        var definition = Flow.Create("open-port")
            .Add("start", nameof(Start))
            .Add("choose", nameof(Choose), new() { ["outcome"] = Flow.Lit("B") })
            .Add("onA", nameof(Step))
            .Add("side", nameof(Step))
            .Add("after", nameof(Step))
            .Chain("start", "choose")
            .Connect("choose", "onA", "A")
            .Chain("start", "side", "after")
            .Build();

        var job = await _engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal(WorkflowInstance.CompletedStage, job.CurrentStage);
        Assert.Equal(["side", "after"], _engine.Journal.Ran(job.Id));
        var executions = await _engine.ExecutionsAsync(job.Id);
        Assert.Equal(["B"], executions.Single(e => e.ActivityId == "choose").Outcomes!);
        Assert.Empty(job.Bookmarks);
    }

    [Fact]
    public async Task Fail_Reached_FaultsJobWithReasonAndErrorClass()
    {
        var definition = Flow.Create("fail")
            .Add("start", nameof(Start))
            .Add("fail", nameof(Fail), new() { ["reason"] = Flow.Lit("conflicts left"), ["errorClass"] = Flow.Lit("CONFLICT") })
            .Chain("start", "fail")
            .Build();

        var job = await _engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Faulted, job.Status);
        Assert.Equal(WorkflowInstance.FailedStage, job.CurrentStage);
        Assert.Equal(new FaultInfo("conflicts left", "fail", "CONFLICT"), job.Fault);
    }

    [Fact]
    public async Task Finish_WhileAnotherBranchWaits_EndsJobAndCancelsTheWait()
    {
        var definition = Flow.Create("finish-early")
            .Add("start", nameof(Start))
            .Add("wait", nameof(WaitForSignal), new() { ["signal"] = Flow.Lit("never") })
            .Add("finish", nameof(Finish), new() { ["result"] = Flow.Js("({ ok: true })") })
            .Chain("start", "wait")
            .Chain("start", "finish")
            .Build();

        var job = await _engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.True(job.Result?["ok"]?.GetValue<bool>());
        Assert.Empty(await _engine.Store.FindBookmarksAsync(Bookmark.ComputeHash(job.Id, "never"), CancellationToken.None));
        var executions = await _engine.ExecutionsAsync(job.Id);
        Assert.Equal(ExecutionStatus.Cancelled, executions.Single(e => e.ActivityId == "wait").Status);
    }
}
