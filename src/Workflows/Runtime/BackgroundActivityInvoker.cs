using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// What a background worker runs for the engine, whichever scheduler called it. Each method is safe to run twice: a
/// second run finds nothing to do.
/// </summary>
public sealed partial class BackgroundActivityInvoker(
    WorkflowRuntime runtime,
    IWorkflowStore store,
    ActivityRegistry registry,
    IBackgroundActivityScheduler scheduler,
    TimeProvider clock,
    IServiceProvider services,
    IEnumerable<IWorkflowObserver> observers,
    IOptions<WorkflowEngineOptions> options,
    ILogger<BackgroundActivityInvoker> logger)
{
    public Task RunAsync(string instanceId, CancellationToken cancellationToken) => runtime.RunAsync(instanceId, cancellationToken);

    public async Task FireTimerAsync(string instanceId, string bookmarkId, CancellationToken cancellationToken)
    {
        var instance = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var bookmark = instance?.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId);
        if (instance is null || bookmark is null) return;
        // Fired early (a scheduler's rounding, a clock step): wait for the rest.
        if (bookmark.ResumeAt is { } due && due > clock.GetUtcNow().UtcDateTime)
        {
            scheduler.ScheduleBookmark(bookmark, instance.Queue);
            return;
        }
        await runtime.ResumeBookmarkAsync(instanceId, bookmarkId, payload: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a Job-kind activity's work and resumes the instance with its result. A failure whose error class has a
    /// retry policy left is not reported yet: the answer is the retry, which the scheduler runs after its delay.
    /// </summary>
    /// <param name="retriesSoFar">Retries already made of this work (0 on its first run).</param>
    /// <param name="mayRetry">False where the caller cannot run it again later (a direct call): every failure is reported.</param>
    /// <returns>The retry the scheduler owes, or null when the result was reported (or there was nothing to do).</returns>
    public async Task<ActivityRetry?> RunJobAsync(string instanceId, string bookmarkId, int retriesSoFar, bool mayRetry, CancellationToken cancellationToken)
    {
        var instance = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var bookmark = instance?.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId);
        if (instance is null || bookmark is null) return null; // cancelled, or done by an earlier attempt
        var record = await store.GetExecutionAsync(bookmark.ExecutionId, cancellationToken).ConfigureAwait(false);
        if (record is null || registry.Find(bookmark.ActivityType)?.Activity is not JobActivity activity)
        {
            await runtime.ResumeBookmarkAsync(instanceId, bookmarkId, Serialize(JobResult.Failed($"Activity type '{bookmark.ActivityType}' cannot run as a job here.")), cancellationToken).ConfigureAwait(false);
            return null;
        }

        // The work's own log events (its commands) belong to the job, like the engine's.
        using var scope = logger.BeginScope(new JobLogScope(instance));
        if (Planned(record) is { } planned)
        {
            // A retry planned before a restart keeps its count, and its time: a scheduler that forgot it (in-memory
            // storage; the engine's recovery dispatched the work at once) is owed the rest of the delay, not a run now.
            retriesSoFar = Math.Max(retriesSoFar, planned.Retry.Retry);
            var early = planned.DueAt - clock.GetUtcNow().UtcDateTime;
            if (mayRetry && early > TimeSpan.Zero)
            {
                LogRetryKept(logger, instanceId, bookmark.ActivityId, planned.Retry.Retry, early.TotalSeconds);
                return planned.Retry with { Delay = early };
            }
        }
        JobResult result;
        try
        {
            result = await activity.RunAsync(new JobContext(instance, record, services, runtime.WaitsOf(instanceId)), cancellationToken).ConfigureAwait(false);
        }
        catch (JobFailedException ex)
        {
            LogJobFailed(logger, ex, instanceId, bookmark.ActivityId);
            result = JobResult.Failed(ex.Message, ex.ErrorClass) with { Retryable = ex.Retryable };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogJobFailed(logger, ex, instanceId, bookmark.ActivityId);
            result = JobResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
        if (mayRetry && Retry(instance, bookmark, result, retriesSoFar) is { } retry)
        {
            foreach (var observer in observers) observer.RetryScheduled(instance, retry);
            await runtime.NoteRetryAsync(instance.Id, bookmark.Id, Describe(retry), cancellationToken).ConfigureAwait(false);
            return retry;
        }
        await runtime.ResumeBookmarkAsync(instanceId, bookmarkId, Serialize(Report(record, result, retriesSoFar)), cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The retry <see cref="WorkflowRuntime.NoteRetryAsync"/> recorded on the execution (its count and when it is due), or null.</summary>
    private static (ActivityRetry Retry, DateTime DueAt)? Planned(ActivityExecutionRecord record)
    {
        if (record.Outputs?[WorkflowRuntime.LastRetryOutput] is not JsonObject last) return null;
        try
        {
            var retry = new ActivityRetry(record.ActivityId, last["errorClass"]!.GetValue<string>(), last["retry"]!.GetValue<int>(), last["attempts"]!.GetValue<int>(),
                TimeSpan.FromSeconds(last["delaySeconds"]!.GetValue<double>()), last["error"]?.GetValue<string>() ?? "");
            var due = last["dueAt"]!.GetValue<DateTime>();
            return (retry, due.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(due, DateTimeKind.Utc) : due.ToUniversalTime());
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException)
        {
            return null; // written by a version that kept less: run as a first attempt would
        }
    }

    /// <summary>The retry a failure earns by its error class's policy, or null.</summary>
    private ActivityRetry? Retry(WorkflowInstance instance, Bookmark bookmark, JobResult result, int retriesSoFar)
    {
        if (result.Error is not { } error || result.ErrorClass is not { } errorClass || !result.Retryable
            || !options.Value.JobRetries.TryGetValue(errorClass, out var policy) || retriesSoFar >= policy.Attempts) return null;
        var retry = new ActivityRetry(bookmark.ActivityId, errorClass, retriesSoFar + 1, policy.Attempts, policy.DelayBefore(retriesSoFar + 1), error);
        LogRetryScheduled(logger, instance.Id, retry.ActivityId, errorClass, retry.Retry, retry.Attempts, retry.Delay.TotalSeconds);
        return retry;
    }

    /// <summary>The result to report: a failure says how many runs it took; a success after retries keeps the last one in view.</summary>
    private static JobResult Report(ActivityExecutionRecord record, JobResult result, int retriesSoFar)
    {
        if (retriesSoFar == 0) return result;
        if (result.Error is { } error) return result with { Error = $"{error} (failed after {retriesSoFar + 1} attempts)" };
        if (record.Outputs?[WorkflowRuntime.LastRetryOutput] is not { } last) return result;
        var outputs = result.Outputs?.DeepClone().AsObject() ?? [];
        outputs[WorkflowRuntime.LastRetryOutput] = last.DeepClone();
        return result with { Outputs = outputs };
    }

    private JsonObject Describe(ActivityRetry retry)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new JsonObject
        {
            ["errorClass"] = retry.ErrorClass,
            ["retry"] = retry.Retry,
            ["attempts"] = retry.Attempts,
            ["delaySeconds"] = retry.Delay.TotalSeconds,
            ["error"] = retry.Error,
            ["at"] = now,
            ["dueAt"] = now + retry.Delay,
        };
    }

    private static JsonNode? Serialize(JobResult result) => JsonSerializer.SerializeToNode(result, WorkflowJson.Options);

    [LoggerMessage(1101, LogLevel.Warning, "Job work of activity {ActivityId} in job {JobId} threw")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string jobId, string activityId);

    [LoggerMessage(1103, LogLevel.Information, "Job {JobId}: activity {ActivityId}'s retry {Retry} was planned before a restart; it runs when due, in {DelaySeconds} s")]
    private static partial void LogRetryKept(ILogger logger, string jobId, string activityId, int retry, double delaySeconds);

    [LoggerMessage(1102, LogLevel.Warning, "Job {JobId}: activity {ActivityId} failed with {ErrorClass}; retry {Retry} of {Attempts} in {DelaySeconds} s")]
    private static partial void LogRetryScheduled(ILogger logger, string jobId, string activityId, string errorClass, int retry, int attempts, double delaySeconds);
}
