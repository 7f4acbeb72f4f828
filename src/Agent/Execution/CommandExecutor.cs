using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Agent.Connection;
using P4Flow.Agent.State;
using P4Flow.Protocol;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Execution;

/// <summary>
/// Decides what to do with each command the hub sends, in the order it arrives: answer from the cache, let a run
/// in progress finish, refuse to repeat one that started before, or run it (at most max_concurrent_commands at
/// once). Results go to the cache first, then to the hub if it is connected.
/// </summary>
internal sealed partial class CommandExecutor(
    CommandRunner runner,
    CommandGuard guard,
    ResultCache cache,
    HubLink link,
    IOptions<AgentOptions> options,
    ILogger<CommandExecutor> logger) : IDisposable
{
    private readonly ConcurrentDictionary<long, Running> _running = new();
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentCommands);
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _draining;

    /// <summary>Commands running or waiting for a slot.</summary>
    public int Load => _running.Count;

    public int MaxConcurrent => options.Value.MaxConcurrentCommands;

    public bool IsDraining => _draining;

    /// <summary>Takes one command from the hub; returns at once, the run goes on in the background.</summary>
    public void Accept(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var id = command.CmdId;
        if (guard.Check(command, out var token) is { } refusal)
        {
            Refuse(command, refusal);
            return;
        }
        if (cache.TryGetResult(id, out var cached, out var cachedJob))
        {
            // The same number for another job's command: two hubs (server.hubs) numbered commands apart. Never that
            // job's result, and not run: the number says it may have run.
            if (!string.Equals(cachedJob, command.JobId, StringComparison.Ordinal))
            {
                Refuse(command, $"cmd {id} was job {cachedJob}'s command on this agent (numbered by another hub); this one is not run and gets no other job's result");
                return;
            }
            AgentLog.AlreadyDone(logger, id);
            link.TrySend(new AgentMessage { AlreadyDone = new CommandAlreadyDone { CmdId = id, CachedResult = cached } });
            return;
        }
        if (_running.TryGetValue(id, out var already))
        {
            // Resent while it runs: its result follows when it ends. Another job's command under that number is refused.
            if (!string.Equals(already.Command.JobId, command.JobId, StringComparison.Ordinal))
                Refuse(command, $"cmd {id} is job {already.Command.JobId}'s command running on this agent (numbered by another hub); this one is not run");
            return;
        }
        if (_draining)
        {
            // Not started and not answered: the hub keeps it pending and sends it again after the restart.
            AgentLog.NotTakenWhileDraining(logger, id);
            return;
        }
        if (id <= cache.LastCmdId)
        {
            // Started by an earlier run of this agent that never recorded a result (killed), or its result expired.
            var notTwice = new CommandResult
            {
                CmdId = id,
                ExitCode = -1,
                ResultUnknown = true,
                Error = $"cmd {id} was started before (this agent's last started command is {cache.LastCmdId}) and its result is unknown; it is not run twice",
            };
            notTwice.Stderr = notTwice.Error;
            cache.Store(notTwice, command.JobId);
            AgentLog.NotRunTwice(logger, id);
            link.TrySend(new AgentMessage { Result = notTwice });
            return;
        }

        if (guard.Spend(token!) is { } replayed)
        {
            Refuse(command, replayed);
            return;
        }

        var running = new Running(command, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        _running[id] = running;
        cache.MarkStarted(id, command.JobId);
        running.Task = RunAsync(running);
    }

    /// <summary>
    /// Answers a command that must not run. Not cached and not marked started: a forged or altered command must not
    /// take the real command's cmd_id.
    /// </summary>
    private void Refuse(Command command, string reason)
    {
        AgentLog.CommandRefused(logger, command.CmdId, command.JobId, reason);
        var refused = new CommandResult { CmdId = command.CmdId, ExitCode = -1, Refused = true, Error = "refused, nothing was run: " + reason };
        refused.Stderr = refused.Error;
        link.TrySend(new AgentMessage { Result = refused });
    }

    /// <summary>Kills the command's process tree; its result (cancelled) is still sent.</summary>
    public bool Cancel(long cmdId, string reason)
    {
        if (!_running.TryGetValue(cmdId, out var running)) return false;
        AgentLog.Cancelling(logger, cmdId, reason);
        try
        {
            running.Cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false; // it ended meanwhile
        }
        return true;
    }

    /// <summary>Cancels the job's commands still running here (the hub cancels them too) and waits until they have stopped.</summary>
    public async Task StopJobAsync(string jobId)
    {
        var runs = _running.Values.Where(r => r.Command.JobId == jobId).ToList();
        foreach (var run in runs) Cancel(run.Command.CmdId, "the job ended");
        await Task.WhenAll(runs.Select(r => r.Task).OfType<Task>()).ConfigureAwait(false);
    }

    /// <summary>Takes no new commands, lets running ones end within <paramref name="timeout"/>, then kills the rest.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        _draining = true;
        var all = _running.Values.Select(r => r.Task).OfType<Task>().ToArray();
        if (all.Length == 0) return;
        AgentLog.Draining(logger, all.Length, timeout.TotalSeconds);
        var done = Task.WhenAll(all);
        if (await Task.WhenAny(done, Task.Delay(timeout)).ConfigureAwait(false) != done)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await done.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _slots.Dispose();
    }

    private async Task RunAsync(Running running)
    {
        var command = running.Command;
        CommandResult result;
        try
        {
            await _slots.WaitAsync(running.Cancel.Token).ConfigureAwait(false);
            try
            {
                AgentLog.Running(logger, command.CmdId, command.JobId, command.Args.Count > 0 ? command.Args[0] : "");
                result = await runner.RunAsync(command, (stream, data) =>
                    link.TrySend(new AgentMessage { Output = new CommandOutput { CmdId = command.CmdId, Stream = stream, Data = data } }), running.Cancel.Token).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException)
        {
            result = new CommandResult { CmdId = command.CmdId, ExitCode = -1, Cancelled = true, Error = "cancelled before it started" };
        }
#pragma warning disable CA1031 // Whatever went wrong becomes the command's result; the agent lives on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AgentLog.RunFailed(logger, ex, command.CmdId);
            result = new CommandResult { CmdId = command.CmdId, ExitCode = -1, Error = $"the agent could not run it: {ex.Message}" };
        }
        if (result.Cancelled && string.IsNullOrEmpty(result.Error))
            result.Error = _stopping.IsCancellationRequested ? "killed: the agent is shutting down" : "cancelled";
        cache.Store(result, command.JobId);
        _running.TryRemove(command.CmdId, out _);
        running.Cancel.Dispose();
        AgentLog.Finished(logger, command.CmdId, result.ExitCode, result.Duration?.ToTimeSpan().TotalMilliseconds ?? 0);
        if (command.Args.Count > 0 && BuiltInCommands.IsBuiltIn(command.Args[0])) LogBuiltIn(command, result);
        if (result.Containment.Count > 0) AgentLog.Contained(logger, command.CmdId, string.Join(", ", result.Containment));
        link.TrySend(new AgentMessage { Result = result });
    }

    /// <summary>A built-in command changed the job's folder without a program's output to show for it: the log says what it did.</summary>
    private void LogBuiltIn(Command command, CommandResult result)
    {
        if (result.ExitCode == 0) AgentLog.BuiltInDone(logger, command.CmdId, command.JobId, command.Args[0], result.Stdout.Trim());
        else AgentLog.BuiltInFailed(logger, command.CmdId, command.JobId, command.Args[0], result.ExitCode, string.IsNullOrEmpty(result.Error) ? result.Stderr.Trim() : result.Error);
    }

    private sealed class Running(Command command, CancellationTokenSource cancel)
    {
        public Command Command { get; } = command;
        public CancellationTokenSource Cancel { get; } = cancel;
        public Task? Task { get; set; }
    }
}
