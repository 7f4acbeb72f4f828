using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Workflows.Runtime;

/// <summary>The Hangfire job methods of the engine. Each is safe to run twice: a second run finds nothing to do.</summary>
public sealed partial class WorkflowJobs(
    WorkflowRuntime runtime,
    IWorkflowStore store,
    ActivityRegistry registry,
    IWorkDispatcher dispatcher,
    TimeProvider clock,
    IServiceProvider services,
    IEnumerable<IWorkflowObserver> observers,
    IOptions<WorkflowEngineOptions> options,
    ILogger<WorkflowJobs> logger)
{
    [AutomaticRetry(Attempts = 3)]
    public Task RunAsync(string instanceId, CancellationToken cancellationToken) => runtime.RunAsync(instanceId, cancellationToken);

    [AutomaticRetry(Attempts = 3)]
    public async Task FireTimerAsync(string instanceId, string bookmarkId, CancellationToken cancellationToken)
    {
        var instance = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var bookmark = instance?.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId);
        if (instance is null || bookmark is null) return;
        // Fired early (a scheduler's rounding, a clock step): wait for the rest.
        if (bookmark.ResumeAt is { } due && due > clock.GetUtcNow().UtcDateTime)
        {
            dispatcher.DispatchBookmark(bookmark, instance.Queue);
            return;
        }
        await runtime.ResumeBookmarkAsync(instanceId, bookmarkId, payload: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a Job-kind activity's work and resumes the instance with its result. A failure whose error class has a
    /// retry policy left is not reported yet: the same Hangfire job runs again after the policy's delay
    /// (<paramref name="context"/> is Hangfire's, null when called directly).
    /// </summary>
    [AutomaticRetry(Attempts = 3, ExceptOn = [typeof(ActivityRetryException)])]
    [RetryByErrorClass]
    public async Task RunActivityJobAsync(string instanceId, string bookmarkId, PerformContext? context, CancellationToken cancellationToken)
    {
        var instance = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var bookmark = instance?.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId);
        if (instance is null || bookmark is null) return; // cancelled, or done by an earlier attempt
        var record = await store.GetExecutionAsync(bookmark.ExecutionId, cancellationToken).ConfigureAwait(false);
        if (record is null || registry.Find(bookmark.ActivityType)?.Activity is not JobActivity activity)
        {
            await runtime.ResumeBookmarkAsync(instanceId, bookmarkId, Serialize(JobResult.Failed($"Activity type '{bookmark.ActivityType}' cannot run as a job here.")), cancellationToken).ConfigureAwait(false);
            return;
        }

        // The work's own log events (its commands) belong to the job, like the engine's.
        using var scope = logger.BeginScope(new JobLogScope(instance));
        JobResult result;
        try
        {
            result = await activity.RunAsync(new JobContext(instance, record, services), cancellationToken).ConfigureAwait(false);
        }
        catch (JobFailedException ex)
        {
            LogJobFailed(logger, ex, instanceId, bookmark.ActivityId);
            result = JobResult.Failed(ex.Message, ex.ErrorClass);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogJobFailed(logger, ex, instanceId, bookmark.ActivityId);
            result = JobResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
        result = await RetryOrReportAsync(instance, bookmark, record, result, context, cancellationToken).ConfigureAwait(false);
        await runtime.ResumeBookmarkAsync(instanceId, bookmarkId, Serialize(result), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws <see cref="ActivityRetryException"/> when the failure earns a retry; else the result to report, saying how many runs it took.</summary>
    private async Task<JobResult> RetryOrReportAsync(WorkflowInstance instance, Bookmark bookmark, ActivityExecutionRecord record, JobResult result, PerformContext? context, CancellationToken cancellationToken)
    {
        var retries = context?.GetJobParameter<int>(RetryByErrorClassAttribute.RetryCountParameter) ?? 0;
        if (result.Error is not { } error)
        {
            // A success after retries keeps the last one in view.
            if (retries == 0 || record.Outputs?[WorkflowRuntime.LastRetryOutput] is not { } last) return result;
            var outputs = result.Outputs?.DeepClone().AsObject() ?? [];
            outputs[WorkflowRuntime.LastRetryOutput] = last.DeepClone();
            return result with { Outputs = outputs };
        }
        if (context is not null && result.ErrorClass is { } errorClass && options.Value.JobRetries.TryGetValue(errorClass, out var policy) && retries < policy.Attempts)
        {
            var retry = new ActivityRetry(bookmark.ActivityId, errorClass, retries + 1, policy.Attempts, policy.DelayBefore(retries + 1), error);
            LogRetryScheduled(logger, instance.Id, retry.ActivityId, errorClass, retry.Retry, retry.Attempts, retry.Delay.TotalSeconds, context.BackgroundJob.Id);
            foreach (var observer in observers) observer.RetryScheduled(instance, retry);
            await runtime.NoteRetryAsync(instance.Id, bookmark.Id, Describe(retry), cancellationToken).ConfigureAwait(false);
            throw new ActivityRetryException(retry);
        }
        return retries == 0 ? result : result with { Error = $"{error} (failed after {retries + 1} attempts)" };
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

    [LoggerMessage(1102, LogLevel.Warning, "Job {JobId}: activity {ActivityId} failed with {ErrorClass}; retry {Retry} of {Attempts} in {DelaySeconds} s (background job {BackgroundJobId})")]
    private static partial void LogRetryScheduled(ILogger logger, string jobId, string activityId, string errorClass, int retry, int attempts, double delaySeconds, string backgroundJobId);
}
