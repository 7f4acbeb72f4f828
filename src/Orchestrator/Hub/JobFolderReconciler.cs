using P4Flow.Orchestrator.BackgroundJobs;
using P4Flow.Workflows;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Hub;

/// <summary>
/// When an agent connects, answers the job folders its Hello lists: each whose job has ended gets the JobEnded the
/// agent missed (it was away, or its stream broke as the job ended), so no folder outlives its job. A folder of a
/// job this hub does not know, or one still running, is left alone. A job's cleanup folder ({job id}-cleanup) counts as its job's.
/// </summary>
public sealed partial class JobFolderReconciler(AgentRegistry registry, IWorkflowStore store, ILogger<JobFolderReconciler> logger)
{
    /// <summary>Most folders looked up per connection: each costs a store lookup, whatever names the agent sends.</summary>
    public const int MaxFolders = 1_000;

    /// <summary>Answers the folders the session's Hello lists, then drops that list: the session keeps its Hello, not the list.</summary>
    public async Task ReconcileAsync(AgentSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        // Only names a job of this hub can have, each once: anything else can name no job folder worth a lookup.
        var folders = session.Hello.JobFolders.Where(f => Ids.IsWellFormed(f) || JobCleanupJobs.JobOfRun(f) is not null).Distinct(StringComparer.Ordinal).Take(MaxFolders).ToList();
        session.Hello.JobFolders.Clear();
        var ended = 0;
        try
        {
            foreach (var folder in folders)
            {
                if (registry.AgentOf(folder) is not null) continue;
                // A cleanup's folder goes with its job's end too: a cleanup cut off by a disconnect is run again anew.
                var job = await store.GetInstanceAsync(JobCleanupJobs.JobOfRun(folder) ?? folder, cancellationToken).ConfigureAwait(false);
                if (job is null || !job.Status.IsTerminal()) continue;
                if (!session.TrySend(registry.JobEndedFor(session.AgentId, folder, job.Status == WorkflowStatus.Finished))) return;
                ended++;
            }
            if (ended > 0) LogEnded(logger, session.AgentId, ended);
        }
        catch (OperationCanceledException)
        {
            // The agent left again; its next Hello lists the folders again.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, session.AgentId, ex.Message);
        }
    }

    [LoggerMessage(4018, LogLevel.Information, "Agent {AgentId} still had the folders of {Count} ended jobs; told it they ended")]
    private static partial void LogEnded(ILogger logger, string agentId, int count);

    [LoggerMessage(4019, LogLevel.Warning, "Could not check the job folders of agent {AgentId}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string agentId, string reason);
}
