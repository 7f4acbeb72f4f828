namespace P4Flow.Orchestrator.Bootstrap;

internal static partial class BootstrapLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Bootstrap of {Agent}: step {Step} {Outcome} in {DurationMs} ms {Note}")]
    public static partial void StepEnded(ILogger logger, string agent, string step, string outcome, long durationMs, string? note);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Bootstrap of {Agent}: step {Step} failed after {DurationMs} ms: {Reason}")]
    public static partial void StepFailed(ILogger logger, string agent, string step, long durationMs, string reason);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "{Operation} of agent {Agent} on {Host} {Result} in {DurationMs} ms")]
    public static partial void Finished(ILogger logger, string operation, string agent, string host, string result, long durationMs);
}
