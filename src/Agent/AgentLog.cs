using Microsoft.Extensions.Logging;

namespace P4Flow.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(5001, LogLevel.Information, "Connecting to the hub at {Address} as {AgentId}")]
    public static partial void Connecting(ILogger logger, Uri address, string agentId);

    [LoggerMessage(5002, LogLevel.Information, "Connected to the hub as {AgentId}: {Pending} pending commands to sync")]
    public static partial void Connected(ILogger logger, string agentId, int pending);

    [LoggerMessage(5003, LogLevel.Warning, "Lost the hub connection: {Reason}; reconnecting in {DelaySeconds:0.0} s")]
    public static partial void Disconnected(ILogger logger, string reason, double delaySeconds);

    [LoggerMessage(5004, LogLevel.Error, "The hub refused this agent: {Reason} (accepted protocol versions: {Accepted})")]
    public static partial void Refused(ILogger logger, string reason, string accepted);

    [LoggerMessage(5005, LogLevel.Error, "The hub's certificate was refused: {Reason}")]
    public static partial void HubCertificateRefused(ILogger logger, string reason);

    [LoggerMessage(5006, LogLevel.Information, "The hub closed the stream: {Reason}; retrying after {Seconds:0.0} s")]
    public static partial void Goodbye(ILogger logger, string reason, double seconds);

    [LoggerMessage(5010, LogLevel.Information, "Cmd {CmdId} was run before; answering from the result cache")]
    public static partial void AlreadyDone(ILogger logger, long cmdId);

    [LoggerMessage(5011, LogLevel.Warning, "Cmd {CmdId} started in an earlier run of this agent without a recorded result; refusing to run it twice")]
    public static partial void NotRunTwice(ILogger logger, long cmdId);

    [LoggerMessage(5012, LogLevel.Information, "Cmd {CmdId} not taken: the agent is stopping")]
    public static partial void NotTakenWhileDraining(ILogger logger, long cmdId);

    [LoggerMessage(5013, LogLevel.Information, "Cancelling cmd {CmdId}: {Reason}")]
    public static partial void Cancelling(ILogger logger, long cmdId, string reason);

    [LoggerMessage(5014, LogLevel.Information, "Stopping: waiting up to {Seconds} s for {Count} running commands")]
    public static partial void Draining(ILogger logger, int count, double seconds);

    [LoggerMessage(5015, LogLevel.Debug, "Cmd {CmdId} of job {JobId}: running {Program}")]
    public static partial void Running(ILogger logger, long cmdId, string jobId, string program);

    [LoggerMessage(5016, LogLevel.Debug, "Cmd {CmdId} ended with exit code {ExitCode} in {Milliseconds:0} ms")]
    public static partial void Finished(ILogger logger, long cmdId, int exitCode, double milliseconds);

    [LoggerMessage(5017, LogLevel.Error, "Cmd {CmdId} could not be run")]
    public static partial void RunFailed(ILogger logger, Exception exception, long cmdId);

    [LoggerMessage(5018, LogLevel.Warning, "Cmd {CmdId} of job {JobId} refused, nothing run: {Reason}")]
    public static partial void CommandRefused(ILogger logger, long cmdId, string jobId, string reason);

    [LoggerMessage(5019, LogLevel.Information, "Commands run as {User} (uid {Uid}, gid {Gid}): this agent runs as root")]
    public static partial void RunningAs(ILogger logger, string user, int uid, int gid);

    [LoggerMessage(5020, LogLevel.Warning, "Commands run as root (execution.run_as is empty): the process limit does not hold for them")]
    public static partial void RunningAsRootUser(ILogger logger);

    [LoggerMessage(5021, LogLevel.Information, "Command cgroups (cgroup v2): {Applied}; {Reason}")]
    public static partial void Cgroups(ILogger logger, bool applied, string reason);

    [LoggerMessage(5026, LogLevel.Information, "Commands start through {Launcher}")]
    public static partial void Launcher(ILogger logger, string launcher);

    [LoggerMessage(5022, LogLevel.Debug, "Cmd {CmdId} contained by {Containment}")]
    public static partial void Contained(ILogger logger, long cmdId, string containment);

    [LoggerMessage(5023, LogLevel.Information, "Job {JobId} ended; its folder {Folder} was removed")]
    public static partial void WorkspaceRemoved(ILogger logger, string jobId, string folder);

    [LoggerMessage(5024, LogLevel.Information, "Job {JobId} ended without success; its folder {Folder} is kept (execution.keep_failed_workspaces)")]
    public static partial void WorkspaceKept(ILogger logger, string jobId, string folder);

    [LoggerMessage(5025, LogLevel.Warning, "Job {JobId} ended; its folder is not removed: {Reason}")]
    public static partial void WorkspaceNotRemoved(ILogger logger, string jobId, string reason);

    [LoggerMessage(5027, LogLevel.Warning, "The workspace root {Root} cannot be listed, so Hello names no job folders: {Reason}")]
    public static partial void WorkspaceRootUnreadable(ILogger logger, string root, string reason);

    [LoggerMessage(5028, LogLevel.Information, "Cmd {CmdId} of job {JobId} ({Command}): {Summary}")]
    public static partial void BuiltInDone(ILogger logger, long cmdId, string jobId, string command, string summary);

    [LoggerMessage(5029, LogLevel.Warning, "Cmd {CmdId} of job {JobId} ({Command}) ended with exit code {ExitCode}: {Reason}")]
    public static partial void BuiltInFailed(ILogger logger, long cmdId, string jobId, string command, int exitCode, string reason);
}
