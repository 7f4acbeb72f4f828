using Microsoft.Extensions.DependencyInjection;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Runtime;

/// <summary>Delayed retries of a failed job activity by error class, run by the engine's in-process scheduler.</summary>
public sealed class JobRetryTests : IAsyncLifetime
{
    private EngineHost _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHost.StartAsync(
        s => s.AddMemoryWorkflowStore(),
        s => s.Configure<WorkflowEngineOptions>(o => o.JobRetries["FLAKY"] = new JobRetryPolicy(2, RetryBackoff.Fixed, TimeSpan.FromSeconds(1))));

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task JobActivity_FailsWithRetriedClass_RunsOncePlusAttemptsThenFaultsSayingSo()
    {
        var job = await _engine.RunAsync(FailingFlow("retried", "FLAKY"));

        Assert.Equal(WorkflowStatus.Faulted, job.Status);
        Assert.Equal(3, _engine.Journal.Count(job.Id, "work"));
        Assert.Equal(new FaultInfo("server gone (failed after 3 attempts)", "work", "FLAKY"), job.Fault);
        var work = (await _engine.ExecutionsAsync(job.Id)).Single(e => e.ActivityId == "work");
        Assert.Equal(2, work.Outputs![WorkflowRuntime.LastRetryOutput]!["retry"]!.GetValue<int>());
    }

    [Fact]
    public async Task JobActivity_FailsWithClassWithoutPolicy_FaultsAfterOneRun()
    {
        var job = await _engine.RunAsync(FailingFlow("not-retried", "CONFLICT"));

        Assert.Equal(1, _engine.Journal.Count(job.Id, "work"));
        Assert.Equal(new FaultInfo("server gone", "work", "CONFLICT"), job.Fault);
    }

    [Theory]
    [InlineData(RetryBackoff.Exponential, 10, new double[] { 10, 20, 40 })]
    [InlineData(RetryBackoff.Linear, 30, new double[] { 30, 60, 90, 120, 150 })]
    [InlineData(RetryBackoff.Fixed, 60, new double[] { 60, 60 })]
    public void DelayBefore_EachRetry_GrowsAsTheBackoffSays(RetryBackoff backoff, int seconds, double[] expected)
    {
        var policy = new JobRetryPolicy(expected.Length, backoff, TimeSpan.FromSeconds(seconds));
        Assert.Equal(expected, Enumerable.Range(1, expected.Length).Select(r => policy.DelayBefore(r).TotalSeconds));
    }

    private static WorkflowDefinition FailingFlow(string definitionId, string errorClass) => Flow.Create(definitionId)
        .Add("start", nameof(Start))
        .Add("work", nameof(TestJob), new() { ["error"] = Flow.Lit("server gone"), ["errorClass"] = Flow.Lit(errorClass) }, stage: "SYNC")
        .Chain("start", "work")
        .Build();
}
