using System.Text.Json.Nodes;
using Hangfire;
using P4Flow.Activities.Perforce;
using P4Flow.Orchestrator.Hub;
using P4Flow.Workflows;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>
/// The server cleanup of an ended job (see <see cref="WorkspaceCleanup"/>), a background job of its own: enqueued when
/// the job ends however it ends, retried until it succeeds (the last delay, an hour, repeats), and found again by
/// <see cref="SweepAsync"/> if the orchestrator died before it ran. Its outcome is recorded in the job's outputs under
/// <see cref="OutputKey"/>: status, attempts, when, and what it kept for a person.
/// </summary>
public sealed partial class JobCleanupJobs(
    IWorkflowStore store,
    WorkflowRuntime runtime,
    ActivityRegistry activities,
    P4Client p4,
    WorkspaceCleanup cleanup,
    IBackgroundJobClient jobs,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<JobCleanupJobs> logger)
{
    public const string OutputKey = "cleanup";
    public const string SweepJobName = "job-cleanup-sweep";
    /// <summary>A job's variable listing pending changes whose shelves stay on the server for a person.</summary>
    public const string KeptShelvesVariable = "keptShelves";
    public const string Done = "DONE";
    public const string Pending = "PENDING";
    /// <summary>Nothing to clean (no Perforce activity ran), or nothing possible (its server is no longer configured).</summary>
    public const string Skipped = "SKIPPED";
    /// <summary>How many ended jobs, newest first, the sweep looks at.</summary>
    private const int SweepDepth = 1000;

    /// <summary>What a cleanup's commands run under (their folder on an agent): the job's id with this after it.</summary>
    public const string RunSuffix = "-cleanup";

    public static string RunIdOf(string jobId) => jobId + RunSuffix;

    /// <summary>The job a cleanup's folder belongs to; null for any other folder name.</summary>
    public static string? JobOfRun(string folder) =>
        folder.EndsWith(RunSuffix, StringComparison.Ordinal) && Ids.IsWellFormed(folder[..^RunSuffix.Length]) ? folder[..^RunSuffix.Length] : null;

    public void Enqueue(string jobId) => jobs.Enqueue<JobCleanupJobs>(c => c.RunAsync(jobId, CancellationToken.None));

    [AutomaticRetry(Attempts = 10_000, DelaysInSeconds = [5, 15, 60, 300, 900, 3600], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        // One cleanup of a job at a time, across every node; cleanups of different jobs run side by side (a lock on the
        // method would queue them all behind one, and behind a dead node's lock until it expires).
        using var connection = services.GetService<JobStorage>()?.GetConnection();
        using var held = connection?.AcquireDistributedLock($"p4flow:cleanup:{jobId}", TimeSpan.FromSeconds(600));
        var job = await store.GetInstanceAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job is null || !job.Status.IsTerminal() || IsDone(job) || IsSkipped(job)) return;
        if (!await UsedPerforceAsync(job, cancellationToken).ConfigureAwait(false))
        {
            // Recorded, so the sweep does not come back to it every ten minutes.
            await RecordAsync(job, Skipped, "no Perforce activity ran", null, cancellationToken).ConfigureAwait(false);
            return;
        }
        P4Target target;
        try
        {
            // Under an id of its own: the job's folder on its agent is gone with the job and is not made again.
            target = p4.TargetOf(job) with { JobId = RunIdOf(jobId) };
        }
        catch (ActivityInputException ex)
        {
            // The job named a server since removed from the configuration: no attempt can succeed, so say so once.
            await RecordAsync(job, Skipped, ex.Message, null, cancellationToken).ConfigureAwait(false);
            return;
        }
        var attempts = Attempts(job) + 1;
        try
        {
            var report = await cleanup.RunAsync(target, KeptShelves(job), cancellationToken).ConfigureAwait(false);
            await RecordAsync(job, Done, null, report, cancellationToken, target.Server.Name).ConfigureAwait(false);
            LogCleaned(logger, jobId, target.Server.Name, report.DeletedChanges.Count, report.KeptShelves.Count);
        }
        catch (Exception ex) when (ex is CleanupFailedException or JobFailedException)
        {
            await RecordAsync(job, Pending, ex.Message, null, cancellationToken, target.Server.Name).ConfigureAwait(false);
            LogFailed(logger, jobId, attempts, ex.Message);
            throw;
        }
        finally
        {
            // The cleanup borrowed an agent under the job's id; it is free again and drops the folder it made.
            services.GetService<AgentRegistry>()?.ReleaseJob(RunIdOf(jobId), "cleanup ended", succeeded: true);
        }
    }

    /// <summary>Enqueues the cleanup of ended jobs that have none recorded as done (the orchestrator died before it ran).</summary>
    /// <param name="atStart">Run as the orchestrator starts: a cleanup queued before it died is gone with it, however recent.</param>
    public async Task SweepAsync(bool atStart, CancellationToken cancellationToken)
    {
        var settled = atStart ? DateTime.MaxValue : clock.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(2);
        var found = 0;
        foreach (var status in new[] { WorkflowStatus.Faulted, WorkflowStatus.Cancelled, WorkflowStatus.Finished })
        {
            for (var page = 1; page * 100 <= SweepDepth; page++)
            {
                var batch = await store.QueryInstancesAsync(new InstanceQuery(status, null, null, page, 100), cancellationToken).ConfigureAwait(false);
                // A job that ended just now has its own cleanup queued; the sweep is for those whose cleanup was lost.
                foreach (var job in batch.Items.Where(j => !IsDone(j) && !IsSkipped(j) && (j.FinishedAt ?? j.UpdatedAt) < settled))
                {
                    Enqueue(job.Id);
                    found++;
                }
                if (batch.Items.Count < 100) break;
            }
        }
        if (found > 0) LogSwept(logger, found);
    }

    private static bool IsDone(WorkflowInstance job) => job.Outputs[OutputKey]?["status"]?.GetValue<string>() == Done;

    private static bool IsSkipped(WorkflowInstance job) => job.Outputs[OutputKey]?["status"]?.GetValue<string>() == Skipped;

    private static int Attempts(WorkflowInstance job) => job.Outputs[OutputKey]?["attempts"]?.GetValue<int>() ?? 0;

    /// <summary>Changes the job keeps for a person: named by its workflow (a variable) or by the shelf made for its owner (an output).</summary>
    internal static HashSet<int> KeptShelves(WorkflowInstance job) =>
        [.. Numbers(job.Variables[KeptShelvesVariable]), .. Numbers(job.Outputs[P4Flow.Activities.Perforce.Conflicts.ConflictDesk.KeptShelvesOutput])];

    private static IEnumerable<int> Numbers(JsonNode? list) => list is JsonArray kept
        ? kept.OfType<JsonValue>().Select(v => v.TryGetValue<int>(out var n) ? n : 0).Where(n => n > 0)
        : [];

    /// <summary>Only a job that ran a Perforce activity can have left something on a server.</summary>
    private async Task<bool> UsedPerforceAsync(WorkflowInstance job, CancellationToken cancellationToken)
    {
        var executions = await store.ListExecutionsAsync(job.Id, cancellationToken).ConfigureAwait(false);
        return executions.Any(e => activities.Find(e.ActivityType)?.Category == "Perforce");
    }

    private Task<WorkflowInstance> RecordAsync(WorkflowInstance job, string status, string? error, CleanupReport? report, CancellationToken cancellationToken, string? server = null)
    {
        var record = new JsonObject
        {
            ["status"] = status,
            ["attempts"] = Attempts(job) + 1,
            ["at"] = clock.GetUtcNow().UtcDateTime,
            // The server the cleanup went to (the default one when the job named none).
            ["server"] = server ?? job.Input[P4Client.ServerInput]?.DeepClone(),
        };
        if (error is not null) record["error"] = error;
        if (report is not null) record["report"] = report.ToJson();
        return runtime.RecordAsync(job.Id, OutputKey, record, cancellationToken);
    }

    [LoggerMessage(4201, LogLevel.Information, "Job {JobId}: server {Server} cleaned up ({Deleted} pending changes deleted, {Kept} shelves kept for a person)")]
    private static partial void LogCleaned(ILogger logger, string jobId, string server, int deleted, int kept);

    [LoggerMessage(4202, LogLevel.Warning, "Job {JobId}: server cleanup attempt {Attempt} failed, to be retried: {Error}")]
    private static partial void LogFailed(ILogger logger, string jobId, int attempt, string error);

    [LoggerMessage(4203, LogLevel.Information, "Cleanup sweep: {Count} ended jobs had no finished server cleanup; queued")]
    private static partial void LogSwept(ILogger logger, int count);
}

/// <summary>Queues the server cleanup of every job the moment it ends.</summary>
internal sealed class JobCleanupObserver(IServiceProvider services) : IWorkflowObserver
{
    public void JobCreated(WorkflowInstance instance)
    {
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Status.IsTerminal() && !before.Status.IsTerminal()) services.GetRequiredService<JobCleanupJobs>().Enqueue(instance.Id);
    }
}
