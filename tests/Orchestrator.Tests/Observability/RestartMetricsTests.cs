using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>The gauges over state after a crash: read from the store, they count the jobs recovery resumed.</summary>
public sealed class RestartMetricsTests
{
    [Fact]
    public async Task Gauges_AfterKillAndRestart_CountTheRecoveredJobs()
    {
        var home = OrchestratorProcess.CreateHome();
        var metricsPort = Loopback.FreePort();
        string first, second;
        await using (var before = OrchestratorProcess.Start(home, environment: ObservedOrchestrator.Environment(metricsPort)))
        {
            await before.WaitReadyAsync();
            first = await ObservedOrchestrator.StartWaitingJobAsync(before.Client);
            second = await ObservedOrchestrator.StartWaitingJobAsync(before.Client);
            await before.KillAsync();
        }

        await using var after = OrchestratorProcess.Start(home, environment: ObservedOrchestrator.Environment(metricsPort));
        await after.WaitReadyAsync();
        var scrape = await Eventually.Until(() => PrometheusText.ScrapeAsync(metricsPort), s => s.Value("p4_jobs_in_progress") == 2, TimeSpan.FromSeconds(60), "both jobs in progress");

        Assert.Equal(2, scrape.Value("p4_jobs_in_stage", ("stage", "WAITING")));
        Assert.True(scrape.Value("p4_oldest_job_age_seconds") > 0);
        // Counters start again from zero in the new process; the gauges do not depend on them.
        Assert.Equal(0, scrape.Value("p4_jobs_total"));

        await ObservedOrchestrator.FinishAsync(after.Client, first);
        await ObservedOrchestrator.FinishAsync(after.Client, second);
        // The counters are counted when the job's end is observed, which may follow the API's answer by a moment.
        var done = await Eventually.Until(() => PrometheusText.ScrapeAsync(metricsPort),
            s => s.Value("p4_jobs_in_progress") == 0 && s.Value("p4_jobs_success_total", ("workflow", "signal-then-delay")) >= 2, TimeSpan.FromSeconds(60), "both jobs counted as done");
        Assert.Equal(0, done.Value("p4_jobs_in_progress"));
        Assert.Equal(2, done.Value("p4_jobs_success_total", ("workflow", "signal-then-delay")));
        // Measured from the stored creation time, across the restart.
        Assert.Equal(2, done.Value("p4_job_duration_seconds_count"));
    }
}
