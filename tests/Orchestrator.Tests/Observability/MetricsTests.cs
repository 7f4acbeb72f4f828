using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>/metrics of a real orchestrator while jobs run.</summary>
[Collection(ObservedCollection.Name)]
public sealed class MetricsTests(ObservedOrchestrator orchestrator)
{
    private const string Workflow = "signal-then-delay";

    [Fact]
    public async Task Metrics_SignalThenDelayRun_CountsTheJobAndItsDuration()
    {
        var before = await orchestrator.ScrapeAsync();

        var jobId = await ObservedOrchestrator.StartWaitingJobAsync(orchestrator.Client);
        var waiting = await orchestrator.ScrapeAsync();
        Assert.Equal(before.Value("p4_jobs_in_progress") + 1, waiting.Value("p4_jobs_in_progress"));
        Assert.Equal(before.Value("p4_jobs_in_stage", ("stage", "WAITING")) + 1, waiting.Value("p4_jobs_in_stage", ("stage", "WAITING")));
        Assert.True(waiting.Value("p4_oldest_job_age_seconds") > 0, "the waiting job has an age");

        await ObservedOrchestrator.FinishAsync(orchestrator.Client, jobId);
        var after = await orchestrator.ScrapeAsync();
        Assert.Equal(before.Value("p4_jobs_total", ("workflow", Workflow)) + 1, after.Value("p4_jobs_total", ("workflow", Workflow)));
        Assert.Equal(before.Value("p4_jobs_success_total", ("workflow", Workflow)) + 1, after.Value("p4_jobs_success_total", ("workflow", Workflow)));
        Assert.Equal(before.Value("p4_jobs_failed_total"), after.Value("p4_jobs_failed_total"));
        Assert.Equal(
            before.Value("p4_job_duration_seconds_count", ("workflow", Workflow), ("result", "success")) + 1,
            after.Value("p4_job_duration_seconds_count", ("workflow", Workflow), ("result", "success")));
        Assert.Equal(before.Value("p4_jobs_in_progress"), after.Value("p4_jobs_in_progress"));
        Assert.Equal(0, after.Value("p4_jobs_in_stage", ("stage", "WAITING")));
        // Every stage the job left was timed once: BEFORE, WAITING, PAUSED (at least 1 s), AFTER.
        foreach (var stage in new[] { "BEFORE", "WAITING", "PAUSED", "AFTER" })
        {
            Assert.Equal(
                before.Value("p4_stage_duration_seconds_count", ("workflow", Workflow), ("stage", stage)) + 1,
                after.Value("p4_stage_duration_seconds_count", ("workflow", Workflow), ("stage", stage)));
        }
        var paused = after.Value("p4_stage_duration_seconds_sum", ("stage", "PAUSED")) - before.Value("p4_stage_duration_seconds_sum", ("stage", "PAUSED"));
        Assert.InRange(paused, 0.9, 30);
    }

    [Fact]
    public async Task Metrics_Scrape_PassesPromtoolCheckMetrics()
    {
        // A run first, so histograms and labelled series have samples to lint.
        var jobId = await ObservedOrchestrator.StartWaitingJobAsync(orchestrator.Client, delaySeconds: 0);
        await ObservedOrchestrator.FinishAsync(orchestrator.Client, jobId);
        var scrape = await orchestrator.ScrapeAsync();

        var (exitCode, output) = await Promtool.RunAsync(scrape.Text, "check", "metrics");

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}");
        Assert.Equal("", output.Trim());
    }

    [Fact]
    public async Task Metrics_Scrape_ExportsEveryDocumentedMetric()
    {
        var scrape = await orchestrator.ScrapeAsync();

        foreach (var (name, type) in Documented)
        {
            Assert.True(scrape.Families.TryGetValue(name, out var exported), $"{name} is not exported");
            Assert.Equal(type, exported);
        }
        // Queues and agent states are there from the start, so dashboards and alerts see zeros, not gaps.
        foreach (var queue in new[] { "high", "default", "low" })
            Assert.Contains(scrape.Samples, s => s.Name == "p4_queue_depth" && s.Labels["queue"] == queue);
        foreach (var state in new[] { "healthy", "timeout", "disconnected" })
            Assert.Contains(scrape.Samples, s => s.Name == "p4_agents" && s.Labels["state"] == state);
    }

    [Fact]
    public async Task Metrics_Labels_NeverHoldJobIds()
    {
        var jobId = await ObservedOrchestrator.StartWaitingJobAsync(orchestrator.Client, delaySeconds: 0);
        await ObservedOrchestrator.FinishAsync(orchestrator.Client, jobId);

        var scrape = await orchestrator.ScrapeAsync();

        Assert.DoesNotContain(jobId, scrape.Text, StringComparison.Ordinal);
        var allowed = new HashSet<string>(StringComparer.Ordinal) { "workflow", "stage", "result", "error_class", "queue", "priority", "state", "reason", "le", "generation" };
        foreach (var sample in scrape.Samples.Where(s => s.Name.StartsWith("p4_", StringComparison.Ordinal)))
            Assert.All(sample.Labels.Keys, label => Assert.Contains(label, allowed));
    }

    internal static readonly (string Name, string Type)[] Documented =
    [
        ("p4_jobs_total", "counter"),
        ("p4_jobs_success_total", "counter"),
        ("p4_jobs_failed_total", "counter"),
        ("p4_jobs_cancelled_total", "counter"),
        ("p4_job_duration_seconds", "histogram"),
        ("p4_stage_duration_seconds", "histogram"),
        ("p4_jobs_in_progress", "gauge"),
        ("p4_jobs_in_stage", "gauge"),
        ("p4_jobs_needs_resolve", "gauge"),
        ("p4_needs_resolve_oldest_seconds", "gauge"),
        ("p4_oldest_job_age_seconds", "gauge"),
        ("p4_queue_depth", "gauge"),
        ("p4_commands_total", "counter"),
        ("p4_command_duration_seconds", "histogram"),
        ("p4_agents_connected", "gauge"),
        ("p4_agents", "gauge"),
        ("p4_hub_refusals_total", "counter"),
        ("p4_cluster_nodes_live", "gauge"),
        ("p4_cluster_takeovers_total", "counter"),
    ];
}
