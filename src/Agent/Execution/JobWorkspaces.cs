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
internal sealed class JobWorkspaces(CommandRunner runner, CommandExecutor executor, IOptions<ExecutionOptions> execution, ILogger<JobWorkspaces> logger)
{
    /// <summary>Most folders named in one Hello: enough for any real agent, and a bound on the message.</summary>
    public const int MaxFoldersReported = 10_000;

    /// <summary>The folders in the workspace root (job ids), as Hello reports them.</summary>
    public IEnumerable<string> Folders()
    {
        var root = runner.WorkspaceRoot;
        return Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>().Take(MaxFoldersReported).ToList()
            : [];
    }

    public async Task EndAsync(JobEnded ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
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
        if (!ended.Succeeded && execution.Value.KeepFailedWorkspaces)
        {
            AgentLog.WorkspaceKept(logger, ended.JobId, folder);
            return;
        }
        try
        {
            Directory.Delete(folder, recursive: true);
            AgentLog.WorkspaceRemoved(logger, ended.JobId, folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AgentLog.WorkspaceNotRemoved(logger, ended.JobId, ex.Message);
        }
    }
}
