namespace P4Flow.Activities.Commands;

/// <summary>
/// One command for a job: an argument array (never a shell string) run in the job's working directory.
/// <see cref="Stdin"/> may hold <see cref="WorkDirPlaceholder"/>, which the runner replaces with the
/// absolute path of that directory on the host that runs it (a client spec's Root needs it).
/// </summary>
public sealed record CommandRequest(
    string JobId,
    string? Stage,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    TimeSpan Timeout,
    string? Stdin = null)
{
    public const string WorkDirPlaceholder = "$WORKDIR";
}

/// <summary>A command's outcome; <see cref="AgentId"/> and <see cref="Containment"/> (rlimits, run_as, cgroup) when an agent ran it.</summary>
public sealed record CommandResult(
    long CmdId,
    int ExitCode,
    string Stdout,
    string Stderr,
    TimeSpan Duration,
    bool TimedOut = false,
    string? AgentId = null,
    IReadOnlyList<string>? Containment = null);

/// <summary>Runs job commands: on an agent in production, locally in tests.</summary>
public interface ICommandDispatcher
{
    Task<CommandResult> RunAsync(CommandRequest request, CancellationToken cancellationToken);
}
