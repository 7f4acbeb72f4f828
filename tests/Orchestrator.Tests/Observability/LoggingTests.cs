using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>The JSON lines log of a real orchestrator while a job runs.</summary>
[Collection(ObservedCollection.Name)]
public sealed class LoggingTests(ObservedOrchestrator orchestrator)
{
    private string LogFile => Path.Combine(orchestrator.LogsDir, "p4flow.jsonl");

    [Fact]
    public async Task JobRun_LogLines_ParseAndCarryJobIdAndStage()
    {
        var jobId = await ObservedOrchestrator.StartWaitingJobAsync(orchestrator.Client);
        await ObservedOrchestrator.FinishAsync(orchestrator.Client, jobId);

        // The last event of the run is written by the worker right after its final commit.
        var lines = await Eventually.Until(
            () => Task.FromResult(ObservabilityFactory.ReadLines(LogFile)),
            all => all.Any(l => l.Contains("\"event_id\":6202", StringComparison.Ordinal) && l.Contains(jobId, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "the job's completion in the log");

        var events = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(events, e =>
        {
            Assert.True(DateTime.TryParse(e["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _));
            Assert.Contains(e["level"]!.GetValue<string>(), new[] { "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL" });
            Assert.NotNull(e["message"]);
        });
        var ofJob = events.Where(e => e["job_id"]?.GetValue<string>() == jobId).ToList();
        Assert.All(ofJob, e => Assert.Equal("signal-then-delay", e["workflow"]!.GetValue<string>()));
        // Each stage entered is logged inside the job's scope, which shows the stage of that moment.
        var entered = ofJob.Where(e => e["event_id"]?.GetValue<int>() == 6201).ToList();
        Assert.Equal(["BEFORE", "WAITING", "PAUSED", "AFTER"], entered.Select(e => e["Stage"]!.GetValue<string>()));
        Assert.All(entered, e => Assert.Equal(e["Stage"]!.GetValue<string>(), e["stage"]!.GetValue<string>()));
        var completed = Assert.Single(ofJob, e => e["event_id"]?.GetValue<int>() == 6202);
        Assert.Equal("COMPLETED", completed["stage"]!.GetValue<string>());
        Assert.Equal("INFO", completed["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task Console_JsonFormat_PrintsTheSameJsonLines()
    {
        var jobId = await ObservedOrchestrator.StartWaitingJobAsync(orchestrator.Client, delaySeconds: 0);

        var line = await Eventually.Until(
            () => Task.FromResult(orchestrator.Process.Output.Split('\n').FirstOrDefault(l => l.Contains(jobId, StringComparison.Ordinal) && l.Contains("\"event_id\":6201", StringComparison.Ordinal))),
            l => l is not null, TimeSpan.FromSeconds(60), "a stage of the job on the console");

        var logged = JsonNode.Parse(line!)!;
        Assert.Equal(jobId, logged["job_id"]!.GetValue<string>());
        Assert.NotNull(logged["stage"]);
    }
}
