using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>
/// Thrown by a background job method whose activity failed in a way worth another try: <see cref="RetryByErrorClassAttribute"/>
/// turns it into a scheduled retry of the same Hangfire background job. Never seen by the workflow.
/// </summary>
public sealed class ActivityRetryException(ActivityRetry retry)
    : Exception($"{retry.ErrorClass}: retry {retry.Retry} of {retry.Attempts} in {retry.Delay.TotalSeconds:0.#} s after: {retry.Error}")
{
    public ActivityRetry Retry { get; } = retry;
}
