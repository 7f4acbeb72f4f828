using Hangfire.Common;
using Hangfire.States;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>
/// Moves a background job that failed with <see cref="ActivityRetryException"/> to the scheduled state after the delay its error
/// class asks for, and counts the retry in a background job parameter. The method's [AutomaticRetry] excepts that exception,
/// so the two never both retry one failure.
/// </summary>
public sealed class RetryByErrorClassAttribute : JobFilterAttribute, IElectStateFilter
{
    /// <summary>Background job parameter holding the retries made so far for activity failures (AutomaticRetry keeps its own RetryCount).</summary>
    public const string RetryCountParameter = "ActivityRetryCount";

    public void OnStateElection(ElectStateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CandidateState is not FailedState { Exception: ActivityRetryException failure }) return;
        context.SetJobParameter(RetryCountParameter, failure.Retry.Retry);
        // Rounded up as timers are: Hangfire keeps whole seconds and must never retry early.
        context.CandidateState = new ScheduledState(HangfireActivityScheduler.RoundUp(DateTime.UtcNow + failure.Retry.Delay)) { Reason = failure.Message };
    }
}
