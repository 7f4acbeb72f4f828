using System.Diagnostics;
using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Expressions;

/// <summary>Scripts in running jobs: what they see, and that a runaway one fails its activity, not the engine.</summary>
public sealed class ExpressionTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    // Unstopped, these scripts would run for ever: ending within this shows the limits stopped them (at 1 to 2 s on an
    // idle machine), and leaves a busy one the time it needs to run the job around them.
    private static readonly TimeSpan FewSeconds = TimeSpan.FromSeconds(60);
    private readonly EngineHost _engine = fixture.Host;

    [Fact]
    public async Task Expression_EmptyInfiniteLoop_FaultsActivityWithinSecondsAndEngineGoesOn()
    {
        // With the default limits the statement cap (1,000,000) stops this loop before the 2 s time limit.
        var fault = await RunFaultingScriptAsync("script-while-true", "while (true) {}");

        Assert.Matches("JavaScript exceeded the (time limit|limit of [0-9]+ statements)", fault.Message);
        await _engine.AssertEngineRunsJobsAsync();
    }

    [Fact]
    public async Task Expression_SlowInfiniteLoop_FaultsActivityWithTimeLimitMessageAndEngineGoesOn()
    {
        var fault = await RunFaultingScriptAsync("script-slow-loop", "var s = 'a'.repeat(1000000); while (true) { s.indexOf('b'); }");

        Assert.Contains("time limit of 2000 ms", fault.Message, StringComparison.Ordinal);
        await _engine.AssertEngineRunsJobsAsync();
    }

    [Fact]
    public async Task Expression_UnboundedRecursion_FaultsActivityWithRecursionLimitMessageAndEngineGoesOn()
    {
        var fault = await RunFaultingScriptAsync("script-recursion", "function f(n) { return f(n + 1) + 1; } f(0)");

        Assert.Contains("recursion limit", fault.Message, StringComparison.Ordinal);
        await _engine.AssertEngineRunsJobsAsync();
    }

    [Fact]
    public async Task Expression_UnboundedAllocation_FaultsActivityWithMemoryLimitMessageAndEngineGoesOn()
    {
        // Some 100 KB a step: the 32 MiB limit within a few hundred steps, long before the 2 s time limit however little
        // CPU a busy machine gives the script (with short strings it took hundreds of thousands and, busy, hit the time limit first).
        var fault = await RunFaultingScriptAsync("script-memory", "var a = []; while (true) { a.push('p4 integrate //depot/main/... //depot/rel/...'.repeat(1000) + a.length); }");

        Assert.Contains("memory limit", fault.Message, StringComparison.Ordinal);
        await _engine.AssertEngineRunsJobsAsync();
    }

    [Fact]
    public async Task Expression_InRunningJob_SeesInputVariablesActivitiesAndJob()
    {
        var definition = Flow.Create("script-scope")
            .Input("branch", required: true)
            .Variable("greeting", "hello")
            .Add("start", nameof(Start))
            .Add("first", nameof(Step), new() { ["value"] = Flow.Lit(41) })
            .Add("second", nameof(Step), new() { ["value"] = Flow.Js("[input.branch, variables.greeting, activities.first.echo + 1, job.definitionId].join('|')") })
            .Chain("start", "first", "second")
            .Build();

        var job = await _engine.RunAsync(definition, new JsonObject { ["branch"] = "//depot/main" });

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal("//depot/main|hello|42|script-scope", _engine.Journal.For(job.Id)[1].Value?.GetValue<string>());
    }

    [Fact]
    public async Task Expression_ConstInLoopBody_EvaluatesOnEveryIteration()
    {
        var definition = Flow.Create("script-const-loop")
            .Variable("counter", 0)
            .Add("start", nameof(Start))
            .Add("increment", nameof(SetVariable), new() { ["variable"] = Flow.Lit("counter"), ["value"] = Flow.Js("const next = variables.counter + 1; next") }, maxIterations: 10)
            .Add("check", nameof(Decision), new() { ["condition"] = Flow.Js("variables.counter >= 3") })
            .Add("done", nameof(Step))
            .Chain("start", "increment", "check")
            .Connect("check", "done", "True")
            .Connect("check", "increment", "False")
            .Build();

        var job = await _engine.RunAsync(definition);

        Assert.True(job.Status == WorkflowStatus.Finished, $"The loop should count to 3 but the job is {EngineHost.Describe(job)}");
        Assert.Equal(3, job.Variables["counter"]!.GetValue<int>());
    }

    [Fact]
    public async Task Expression_ResultNestedDeeperThanJsonReader_FaultsActivity()
    {
        var definition = Flow.Create("script-deep")
            .Add("start", nameof(Start))
            .Add("deep", nameof(Step), new() { ["value"] = Flow.Js("var a = []; for (var i = 0; i < 100; i++) a = [a]; a") })
            .Chain("start", "deep")
            .Build();
        await _engine.PublishAsync(definition);
        var started = await _engine.StartAsync("script-deep");

        var job = await _engine.WaitForEndAsync(started.Id);

        Assert.Equal(WorkflowStatus.Faulted, job.Status);
        Assert.Equal("deep", job.Fault?.ActivityId);
        Assert.Equal("EXPRESSION", job.Fault?.ErrorClass);
    }

    [Fact]
    public async Task Run_ActivityInputSetToNull_TreatsInputAsUnsetAndFinishes()
    {
        // What the Studio saves for a cleared optional input; the validator accepts it.
        var definition = WorkflowJson.Deserialize<WorkflowDefinition>("""
            {
              "definitionId": "input-null", "name": "input-null",
              "root": {
                "type": "Flowchart",
                "activities": [ { "id": "start", "type": "Start" }, { "id": "step", "type": "Step", "inputs": { "value": null } } ],
                "connections": [ { "source": { "activity": "start", "port": "Done" }, "target": { "activity": "step", "port": "In" } } ]
              }
            }
            """);
        Assert.Empty(_engine.Definitions.Validate(definition));
        await _engine.PublishAsync(definition);
        var started = await _engine.StartAsync("input-null");

        var job = await _engine.WaitForEndAsync(started.Id);

        Assert.Equal(WorkflowStatus.Finished, job.Status);
        Assert.Equal(["step"], _engine.Journal.Ran(job.Id));
    }

    private async Task<FaultInfo> RunFaultingScriptAsync(string definitionId, string script)
    {
        var definition = Flow.Create(definitionId)
            .Add("start", nameof(Start))
            .Add("script", nameof(Step), new() { ["value"] = Flow.Js(script) })
            .Add("after", nameof(Step))
            .Chain("start", "script", "after")
            .Build();
        await _engine.PublishAsync(definition);
        var clock = Stopwatch.StartNew();
        var started = await _engine.StartAsync(definitionId);

        var job = await _engine.WaitForEndAsync(started.Id, FewSeconds);

        Assert.True(job.Status == WorkflowStatus.Faulted, $"The job should fault but is {EngineHost.Describe(job)}");
        Assert.True(clock.Elapsed < FewSeconds, $"The script ran {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal("script", job.Fault!.ActivityId);
        Assert.Equal("EXPRESSION", job.Fault.ErrorClass);
        Assert.StartsWith("Input 'value': ", job.Fault.Message, StringComparison.Ordinal);
        var record = (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "script");
        Assert.Equal(ExecutionStatus.Faulted, record.Status);
        Assert.Equal(job.Fault.Message, record.Error);
        Assert.Empty(_engine.Journal.Ran(job.Id));
        return job.Fault;
    }
}
