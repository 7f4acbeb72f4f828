namespace P4Flow.Orchestrator.Hub;

internal static partial class HubLog
{
    [LoggerMessage(4001, LogLevel.Information, "Agent {AgentId} connected from {Address}; {Pending} commands to sync")]
    public static partial void AgentConnected(ILogger logger, string agentId, string address, int pending);

    [LoggerMessage(4002, LogLevel.Information, "Agent {AgentId} disconnected: {Reason}")]
    public static partial void AgentDisconnected(ILogger logger, string agentId, string reason);

    [LoggerMessage(4004, LogLevel.Warning, "Agent {AgentId} marked TIMEOUT after {Missed} missed pongs")]
    public static partial void AgentTimedOut(ILogger logger, string agentId, int missed);

    [LoggerMessage(4005, LogLevel.Information, "Agent {AgentId} answers pings again")]
    public static partial void AgentRecovered(ILogger logger, string agentId);

    [LoggerMessage(4006, LogLevel.Information, "Job {JobId} runs on agent {AgentId}")]
    public static partial void JobAssigned(ILogger logger, string jobId, string agentId);

    [LoggerMessage(4007, LogLevel.Information, "Job {JobId} waits for an agent with {Requirements}")]
    public static partial void JobWaiting(ILogger logger, string jobId, string requirements);

    [LoggerMessage(4008, LogLevel.Warning, "Job {JobId}: agent {AgentId} is lost: {Reason}")]
    public static partial void AgentLost(ILogger logger, string jobId, string agentId, string reason);

    [LoggerMessage(4009, LogLevel.Debug, "Agent {AgentId} sent a result for cmd {CmdId}, which is not in flight")]
    public static partial void UnknownResult(ILogger logger, string agentId, long cmdId);

    [LoggerMessage(4010, LogLevel.Information, "Agent {AgentId} answered cmd {CmdId} from its result cache (not run again)")]
    public static partial void AnsweredFromCache(ILogger logger, string agentId, long cmdId);

    [LoggerMessage(4015, LogLevel.Information, "Agent hub listening on https://{Host}:{Port} (mTLS, HTTP/2)")]
    public static partial void Listening(ILogger logger, string host, int port);

    [LoggerMessage(4021, LogLevel.Warning, "Agent {AgentId}: circuit opened for {BreakSeconds} s after repeated failures of its own ({Reason}); it gets no new job until then")]
    public static partial void AgentCircuitOpened(ILogger logger, string agentId, double breakSeconds, string reason);

    [LoggerMessage(4022, LogLevel.Information, "Agent {AgentId}: circuit half-open, its next command is the trial")]
    public static partial void AgentCircuitHalfOpened(ILogger logger, string agentId);

    [LoggerMessage(4023, LogLevel.Information, "Agent {AgentId}: circuit closed, it answered a command again")]
    public static partial void AgentCircuitClosed(ILogger logger, string agentId);
}
