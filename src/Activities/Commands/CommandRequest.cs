using P4Flow.Protocol;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Commands;

/// <summary>
/// One command for a job: an argument array (never a shell string) run in the job's working directory.
/// <see cref="Stdin"/> may hold <see cref="CommandWorkDir.Placeholder"/>, which the runner replaces with the
/// absolute path of that directory on the host that runs it (a client spec's Root needs it). A dispatcher that has to
/// hold the command back (no agent free) tells the job through <see cref="Waits"/>, when the caller gave one.
/// </summary>
public sealed record CommandRequest(
    string JobId,
    string? Stage,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    TimeSpan Timeout,
    string? Stdin = null,
    IJobWaits? Waits = null)
{
    /// <summary>
    /// The input is a secret (a password for p4 login): it goes to the program and nowhere else, not into a journal, a
    /// log or a fingerprint that outlives the command.
    /// </summary>
    public bool SecretStdin { get; init; }
}

/// <summary>
/// A command's result as its job sees it: the runner's answer (for an agent, the protocol's CommandResult with its own
/// error folded into stderr) and, when an agent ran it, which one and what contained it (rlimits, run_as, cgroup).
/// </summary>
public sealed record CommandRun(
    long CmdId,
    int ExitCode,
    string Stdout,
    string Stderr,
    TimeSpan Duration,
    bool TimedOut = false,
    string? AgentId = null,
    IReadOnlyList<string>? Containment = null)
{
    /// <summary>The agent refused it before anything ran (signature, token, sandbox rule); stderr says why.</summary>
    public bool Refused { get; init; }
}

/// <summary>Runs job commands: on an agent in production, locally in tests.</summary>
public interface ICommandDispatcher
{
    Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken);
}
