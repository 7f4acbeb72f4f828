namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// The command log: one JSON line per command event in monitoring.commands_log (logs/commands.jsonl), with the
/// seed's fields timestamp, level, event, job_id, cmd_id, agent_id, stage, duration_ms, error and metadata. The
/// events also reach the main log and the console. Secrets in metadata (keys named like token, signature, password)
/// are masked like everywhere else.
/// </summary>
public sealed partial class CommandLog(ILogger<CommandLog> logger)
{
    private static readonly IReadOnlyDictionary<string, object?> NoMetadata = new Dictionary<string, object?>();

    public void Write(CommandLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var level = entry.Level ?? (entry.Error is null ? LogLevel.Information : LogLevel.Warning);
        if (!logger.IsEnabled(level)) return;
        LogCommand(logger, level, entry.Event, entry.CmdId, entry.JobId, entry.AgentId, entry.Stage, entry.DurationMs, entry.Error, entry.Metadata ?? NoMetadata);
    }

    [LoggerMessage(EventId = 6100, Message = "{EventName} cmd {CmdId} job {JobId} agent {AgentId} stage {Stage} duration {DurationMs} ms error {Error} {Metadata}")]
    private static partial void LogCommand(ILogger logger, LogLevel level, string eventName, string? cmdId, string? jobId, string? agentId, string? stage, double? durationMs, string? error, IReadOnlyDictionary<string, object?> metadata);
}

/// <summary>One command event. <see cref="Level"/> defaults to Information, or Warning when <see cref="Error"/> is set.</summary>
public sealed record CommandLogEntry(string Event, string? JobId, string? CmdId)
{
    public string? AgentId { get; init; }
    public string? Stage { get; init; }
    public double? DurationMs { get; init; }
    /// <summary>What went wrong, e.g. the error class and p4's message.</summary>
    public string? Error { get; init; }
    /// <summary>Anything else worth keeping (args, exit code, attempt); serialised as a JSON object.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }
    public LogLevel? Level { get; init; }
}

/// <summary>The event names of the command log.</summary>
public static class CommandEvents
{
    public const string Sent = "command_sent";
    public const string Started = "command_started";
    public const string Completed = "command_completed";
    public const string Failed = "command_failed";
    public const string TimedOut = "command_timeout";
    public const string Refused = "command_refused";
    public const string Cancelled = "command_cancelled";
    /// <summary>The agent had already run it and answered from its result cache.</summary>
    public const string AlreadyDone = "command_already_done";
    public const string Retried = "command_retried";
}
