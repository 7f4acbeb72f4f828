namespace P4Flow.Orchestrator.Trust;

internal static partial class TrustLog
{
    [LoggerMessage(4003, LogLevel.Warning, "Agent {AgentId} from {Address} refused: {Reason}")]
    public static partial void AgentRefused(ILogger logger, string agentId, string address, string reason);

    [LoggerMessage(4011, LogLevel.Information, "Agent whitelist {Path} loaded: {Count} entries")]
    public static partial void WhitelistReloaded(ILogger logger, string path, int count);

    [LoggerMessage(4012, LogLevel.Warning, "Agent whitelist {Path} does not exist: no agent can connect")]
    public static partial void WhitelistMissing(ILogger logger, string path);

    [LoggerMessage(4013, LogLevel.Error, "Agent whitelist {Path} not reloaded, the previous one stays: {Reason}")]
    public static partial void WhitelistInvalid(ILogger logger, string path, string reason);
}
