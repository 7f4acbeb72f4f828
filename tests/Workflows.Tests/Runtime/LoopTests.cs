using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Runtime;

public sealed class LoopTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly EngineHost _engine = fixture.Host;

    [Fact]
    public async Task Loop_BackEdgeWithCap_RepeatsUntilDecisionExits()
    {
        var job = await _engine.RunAsync(CountingLoop("loop-exits", exitWhen: "variables.counter >= 4", maxIterations: 10));

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal(4, job.Variables["counter"]!.GetValue<int>());
        var executions = await _engine.ExecutionsAsync(job.Id);
        Assert.Equal(4, executions.Count(e => e.ActivityId == "increment"));
        Assert.Equal(4, executions.Count(e => e.ActivityId == "check"));
        Assert.Equal(["done"], _engine.Journal.Ran(job.Id));
        Assert.Equal(4, _engine.Journal.For(job.Id).Single().Value!.GetValue<int>());
    }

    [Fact]
    public async Task Loop_ConditionNeverExits_FaultsNamingActivityAndCap()
    {
        var job = await _engine.RunAsync(CountingLoop("loop-runaway", exitWhen: "false", maxIterations: 3));

        Assert.Equal(WorkflowStatus.Faulted, job.Status);
        Assert.Equal(WorkflowInstance.FailedStage, job.CurrentStage);
        Assert.Equal("increment", job.Fault!.ActivityId);
        Assert.Contains("'increment'", job.Fault.Message, StringComparison.Ordinal);
        Assert.Contains("3 iterations", job.Fault.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await _engine.ExecutionsAsync(job.Id)).Count(e => e.ActivityId == "increment"));
        Assert.Empty(_engine.Journal.Ran(job.Id));
    }

    [Fact]
    public async Task Loop_BackEdgeIntoOneBranchOfMerge_RunsMergeOnEveryPass()
    {
        // start forks into increment and side, which merge in join; check loops back to increment until counter is 3.
        var definition = Flow.Create("loop-through-merge")
            .Variable("counter", 0)
            .Add("start", nameof(Start))
            .Add("increment", nameof(SetVariable), new() { ["variable"] = Flow.Lit("counter"), ["value"] = Flow.Js("variables.counter + 1") }, maxIterations: 10)
            .Add("side", nameof(Step))
            .Add("join", nameof(Step), new() { ["value"] = Flow.Js("variables.counter") }, join: JoinMode.Merge)
            .Add("check", nameof(Decision), new() { ["condition"] = Flow.Js("variables.counter >= 3") })
            .Add("done", nameof(Step))
            .Chain("start", "increment", "join", "check")
            .Chain("start", "side", "join")
            .Connect("check", "done", "True")
            .Connect("check", "increment", "False")
            .Build();
        Assert.Empty(_engine.Definitions.Validate(definition));

        var job = await _engine.RunAsync(definition);

        Assert.True(job.Status == WorkflowStatus.Finished && job.Variables["counter"]!.GetValue<int>() == 3,
            $"The loop should run three times; the job is {EngineHost.Describe(job)} with counter {job.Variables["counter"]} after [{string.Join(", ", _engine.Journal.Ran(job.Id))}]");
        Assert.Equal(["side", "join", "join", "join", "done"], _engine.Journal.Ran(job.Id));
    }

    // counter = 0; increment: counter + 1; check: exit? -> done, else back to increment.
    private static WorkflowDefinition CountingLoop(string definitionId, string exitWhen, int maxIterations) => Flow.Create(definitionId)
        .Variable("counter", 0)
        .Add("start", nameof(Start))
        .Add("increment", nameof(SetVariable), new() { ["variable"] = Flow.Lit("counter"), ["value"] = Flow.Js("variables.counter + 1") }, maxIterations: maxIterations)
        .Add("check", nameof(Decision), new() { ["condition"] = Flow.Js(exitWhen) })
        .Add("done", nameof(Step), new() { ["value"] = Flow.Js("variables.counter") })
        .Chain("start", "increment", "check")
        .Connect("check", "done", "True")
        .Connect("check", "increment", "False")
        .Build();
}
