using Hangfire;
using Hangfire.Server;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>
/// The Hangfire background job methods of the engine's work: each hands over to <see cref="BackgroundActivityInvoker"/>.
/// A job activity's retry by error class is the same background job scheduled again (see <see cref="RetryByErrorClassAttribute"/>).
/// </summary>
public sealed class ActivityBackgroundJobs(BackgroundActivityInvoker invoker)
{
    [AutomaticRetry(Attempts = 3)]
    public Task RunAsync(string instanceId, CancellationToken cancellationToken) => invoker.RunAsync(instanceId, cancellationToken);

    [AutomaticRetry(Attempts = 3)]
    public Task FireTimerAsync(string instanceId, string bookmarkId, CancellationToken cancellationToken) => invoker.FireTimerAsync(instanceId, bookmarkId, cancellationToken);

    /// <param name="context">Hangfire's, which counts the retries; null when called directly (then every failure is reported at once).</param>
    [AutomaticRetry(Attempts = 3, ExceptOn = [typeof(ActivityRetryException)])]
    [RetryByErrorClass]
    public async Task RunActivityJobAsync(string instanceId, string bookmarkId, PerformContext? context, CancellationToken cancellationToken)
    {
        var retries = context?.GetJobParameter<int>(RetryByErrorClassAttribute.RetryCountParameter) ?? 0;
        if (await invoker.RunJobAsync(instanceId, bookmarkId, retries, mayRetry: context is not null, cancellationToken).ConfigureAwait(false) is { } retry)
            throw new ActivityRetryException(retry);
    }
}
