using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Execution;

/// <summary>
/// Removes a job's folder when the hub says the job ended, after its commands here have stopped; kept when the job
/// failed and execution.keep_failed_workspaces is set. Only a plain folder right inside the workspace root is ever
/// removed: the job id passes the same checks as a command's workspace.
/// </summary>
internal sealed class JobWorkspaces(CommandRunner runner, CommandExecutor executor, CommandGuard guard, IOptions<ExecutionOptions> execution, ILogger<JobWorkspaces> logger) : IDisposable
{
    /// <summary>Most folders named in one Hello: enough for any real agent, and a bound on the message.</summary>
    public const int MaxFoldersReported = 10_000;

    /// <summary>Written into a folder kept after a failed job: it is the user's now, and no Hello names it again.</summary>
    public const string KeptMarker = ".p4flow-kept";

    // One removal at a time: a burst of JobEnded (after a reconnect) must not fill the disk queue and the thread pool.
    private readonly SemaphoreSlim _removing = new(1, 1);

    /// <summary>The folders in the workspace root (job ids) that are not kept, as Hello reports them.</summary>
    public IEnumerable<string> Folders()
    {
        var root = runner.WorkspaceRoot;
        try
        {
            return Directory.Exists(root)
                ? Directory.EnumerateDirectories(root).Where(f => !File.Exists(Path.Combine(f, KeptMarker))).Select(Path.GetFileName).OfType<string>().Take(MaxFoldersReported).ToList()
                : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The agent still connects: the hub only learns of no folders, and the next Hello tries again.
            AgentLog.WorkspaceRootUnreadable(logger, root, ex.Message);
            return [];
        }
    }

    /// <summary>Returns at once: the caller is the receive loop, which must go on answering pings while a deep folder is deleted.</summary>
    public async Task EndAsync(JobEnded ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
        await Task.Yield();
        if (guard.Check(ended) is { } refused)
        {
            AgentLog.WorkspaceNotRemoved(logger, ended.JobId, refused);
            return;
        }
        string folder;
        try
        {
            folder = runner.WorkDirFor(new Command { JobId = ended.JobId });
            runner.CheckInsideRoot(folder);
        }
        catch (CommandRefusedException ex)
        {
            AgentLog.WorkspaceNotRemoved(logger, ended.JobId, ex.Message);
            return;
        }
        await executor.StopJobAsync(ended.JobId).ConfigureAwait(false);
        if (!Directory.Exists(folder)) return;
        await _removing.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!ended.Succeeded && execution.Value.KeepFailedWorkspaces)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, KeptMarker), $"Kept after job {ended.JobId} failed (execution.keep_failed_workspaces); remove the folder when done with it.\n").ConfigureAwait(false);
                AgentLog.WorkspaceKept(logger, ended.JobId, folder);
                return;
            }
            Directory.Delete(folder, recursive: true);
            AgentLog.WorkspaceRemoved(logger, ended.JobId, folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AgentLog.WorkspaceNotRemoved(logger, ended.JobId, ex.Message);
        }
        finally
        {
            _removing.Release();
        }
    }

    public void Dispose() => _removing.Dispose();
}
