using P4Flow.Orchestrator.Observability;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using Prometheus;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>The metrics API other code calls, and the stage timing of committed steps.</summary>
public sealed class MetricsUnitTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task CommandCompleted_SuccessAndFailure_CountedByResultAndErrorClass()
    {
        var metrics = new P4FlowMetrics(Metrics.NewCustomRegistry());

        metrics.CommandCompleted("SYNC", "success", null, TimeSpan.FromSeconds(2));
        metrics.CommandCompleted("INTEGRATE", "failed", "P4_LOCKED", TimeSpan.FromMilliseconds(300));
        metrics.CommandCompleted("INTEGRATE", "exploded", "p4: file locked by someone else at 12:00", TimeSpan.FromSeconds(1));

        var scrape = await ScrapeAsync(metrics);
        Assert.Equal(1, scrape.Value("p4_commands_total", ("result", "success"), ("error_class", "none")));
        Assert.Equal(1, scrape.Value("p4_commands_total", ("result", "failed"), ("error_class", "P4_LOCKED")));
        // An unknown result counts as failed, a message as error class OTHER: labels stay bounded.
        Assert.Equal(1, scrape.Value("p4_commands_total", ("result", "failed"), ("error_class", "OTHER")));
        Assert.Equal(2, scrape.Value("p4_command_duration_seconds_count", ("stage", "INTEGRATE")));
        Assert.Equal(2, scrape.Value("p4_command_duration_seconds_sum", ("stage", "SYNC")));
        Assert.Equal(1, scrape.Value("p4_command_duration_seconds_bucket", ("stage", "SYNC"), ("le", "2.5")));
    }

    [Fact]
    public async Task HubRefused_UnknownReason_CountedAsOther()
    {
        var metrics = new P4FlowMetrics(Metrics.NewCustomRegistry());

        metrics.HubRefused("not_whitelisted");
        metrics.HubRefused("not_whitelisted");
        metrics.HubRefused("agent 10.0.0.7 sent garbage");

        var scrape = await ScrapeAsync(metrics);
        Assert.Equal(2, scrape.Value("p4_hub_refusals_total", ("reason", "not_whitelisted")));
        Assert.Equal(1, scrape.Value("p4_hub_refusals_total", ("reason", "other")));
        Assert.Equal(0, scrape.Value("p4_hub_refusals_total", ("reason", "bad_certificate")));
    }

    [Fact]
    public async Task SetAgents_ByState_SetsConnectedAndEveryKnownState()
    {
        var metrics = new P4FlowMetrics(Metrics.NewCustomRegistry());

        metrics.SetAgents(3, new Dictionary<string, int> { ["healthy"] = 2, ["timeout"] = 1 });

        var scrape = await ScrapeAsync(metrics);
        Assert.Equal(3, scrape.Value("p4_agents_connected"));
        Assert.Equal(2, scrape.Value("p4_agents", ("state", "healthy")));
        Assert.Equal(1, scrape.Value("p4_agents", ("state", "timeout")));
        Assert.Equal(0, scrape.Value("p4_agents", ("state", "disconnected")));
    }

    [Fact]
    public void Left_StepThroughTwoStages_TimesTheStartStageAndTheOnePassedThrough()
    {
        var job = Job(("SYNC", 0), ("INTEGRATE", 10), ("RESOLVE_PASS_1", 40));

        var left = StepStages.Left(job, new JobSnapshot(WorkflowStatus.Running, "SYNC", T0.AddSeconds(5))).ToList();

        Assert.Equal([("SYNC", 10.0), ("INTEGRATE", 30.0)], left);
        Assert.Equal(["INTEGRATE", "RESOLVE_PASS_1"], StepStages.Entered(job, new JobSnapshot(WorkflowStatus.Running, "SYNC", T0.AddSeconds(5))).Select(s => s.Stage));
    }

    [Fact]
    public void Left_StepInTheSameStage_TimesNothing()
    {
        var job = Job(("SYNC", 0), ("INTEGRATE", 10));

        Assert.Empty(StepStages.Left(job, new JobSnapshot(WorkflowStatus.Suspended, "INTEGRATE", T0.AddSeconds(20))));
        Assert.Empty(StepStages.Entered(job, new JobSnapshot(WorkflowStatus.Suspended, "INTEGRATE", T0.AddSeconds(20))));
    }

    [Fact]
    public void Left_FirstStepOfAJob_TimesEveryStageButTheCurrent()
    {
        var job = Job(("BEFORE", 0), ("WAITING", 1));

        Assert.Equal([("BEFORE", 1.0)], StepStages.Left(job, new JobSnapshot(WorkflowStatus.Pending, null, T0.AddSeconds(-1))));
    }

    [Fact]
    public void Left_BackToAnEarlierStage_TimesTheLatestVisit()
    {
        var job = Job(("RESOLVE_CHECK", 0), ("NEEDS_RESOLVE", 5), ("RESOLVE_CHECK", 65), ("PRE_SUBMIT", 70));

        Assert.Equal([("RESOLVE_CHECK", 5.0)], StepStages.Left(job, new JobSnapshot(WorkflowStatus.Running, "RESOLVE_CHECK", T0.AddSeconds(66))));
    }

    [Theory]
    [InlineData("p4-integrate", "p4-integrate")]
    [InlineData("NEEDS_RESOLVE", "NEEDS_RESOLVE")]
    [InlineData("01a20ecc 17aa7814", "OTHER")]
    [InlineData("Connect to server failed; check $P4PORT.", "OTHER")]
    [InlineData(null, "OTHER")]
    public void Code_Value_KeptOnlyWhenItLooksLikeAName(string? value, string expected) =>
        Assert.Equal(expected, P4FlowMetrics.Code(value));

    private static WorkflowInstance Job(params (string Stage, int Seconds)[] stages)
    {
        var job = new WorkflowInstance { Id = "j", DefinitionId = "p4-integrate", Status = WorkflowStatus.Running, CreatedAt = T0 };
        foreach (var (stage, seconds) in stages) job.StageHistory.Add(new StageChange(stage, T0.AddSeconds(seconds)));
        job.CurrentStage = stages[^1].Stage;
        return job;
    }

    internal static async Task<PrometheusText> ScrapeAsync(P4FlowMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
