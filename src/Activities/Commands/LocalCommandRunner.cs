using System.Diagnostics;
using Microsoft.Extensions.Options;
using P4Flow.Protocol;

namespace P4Flow.Activities.Commands;

/// <summary>
/// Runs commands as child processes of this host, in {workspace root}/{job id}. A stand-in for the
/// agent hub where no agent runs (tests); same contract: argument arrays, no shell, a timeout that
/// kills the whole process tree.
/// </summary>
public sealed class LocalCommandRunner(IOptions<LocalRunnerOptions> options) : ICommandDispatcher
{
    private long _nextId;

    public async Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var cmdId = Interlocked.Increment(ref _nextId);
        var workDir = Path.Combine(Path.GetFullPath(options.Value.WorkspaceRoot), request.JobId);
        if (request.Args.Count > 0 && BuiltInCommands.IsBuiltIn(request.Args[0])) return RunBuiltIn(cmdId, request, workDir, cancellationToken);
        Directory.CreateDirectory(workDir);
        var executable = request.Args[0];
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in request.Args.Skip(1)) info.ArgumentList.Add(arg);
        foreach (var (key, value) in request.Env)
        {
            info.Environment[key] = CommandStateFile.Governs(key)
                ? CommandStateFile.TryExpand(key, value, options.Value.StateDirectory, out var error) ?? throw new InvalidOperationException(error)
                : value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            if (request.Stdin is { } input)
                await process.StandardInput.WriteAsync(CommandWorkDir.Expand(input, workDir)).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading its input (p4 that cannot reach its server does); as on the agent,
            // its exit code and output tell the rest, so the failure is classified rather than thrown.
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(request.Timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            if (!timedOut) throw;
        }
        return new CommandRun(cmdId, timedOut ? -1 : process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), clock.Elapsed, timedOut);
    }

    /// <summary>The agent's built-in commands, carried out by the same code (<see cref="WorkspaceFile"/>); stdin as given, no $WORKDIR.</summary>
    private static CommandRun RunBuiltIn(long cmdId, CommandRequest request, string workDir, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var outcome = WorkspaceFile.Run(request.Args, request.Stdin, workDir);
        return new CommandRun(cmdId, outcome.ExitCode, outcome.Stdout, outcome.Stderr, clock.Elapsed) { Refused = outcome.Refused };
    }
}

public sealed class LocalRunnerOptions
{
    /// <summary>Where job directories are made.</summary>
    public string WorkspaceRoot { get; set; } = "data/workspaces";

    /// <summary>Where p4's tickets and trust files go (<see cref="CommandStateFile"/>): beside the job directories, never in one.</summary>
    public string? StateDir { get; set; }

    public string StateDirectory => StateDir ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(WorkspaceRoot).TrimEnd('/'))!, "local-state");
}
