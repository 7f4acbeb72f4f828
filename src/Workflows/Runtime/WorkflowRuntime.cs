using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// The engine's front door: starts, advances, resumes and cancels jobs. Every change to an instance
/// happens under its lock, on a fresh read from the store, and is committed step by step.
/// </summary>
public sealed partial class WorkflowRuntime(
    IWorkflowStore store,
    FlowchartGraphCache graphs,
    FlowchartRunner runner,
    InstanceLocks locks,
    IBackgroundActivityScheduler scheduler,
    IJobAdmission admission,
    IServiceProvider services,
    IEnumerable<IWorkflowObserver> observers,
    IEnumerable<IWorkflowEventSource> eventSources,
    IEnumerable<IJobInputCheck> inputChecks,
    IOptions<WorkflowEngineOptions> options,
    TimeProvider clock,
    ILogger<WorkflowRuntime> logger)
{
    private readonly IWorkflowObserver[] _observers = observers.ToArray();
    private readonly IWorkflowEventSource[] _eventSources = eventSources.ToArray();

    /// <summary>The output of a job activity that holds its last scheduled retry.</summary>
    public const string LastRetryOutput = "lastRetry";

    public static readonly IReadOnlySet<string> Queues = new HashSet<string>(StringComparer.Ordinal) { "high", "default", "low" };

    /// <summary>The priority input's value that goes first within high.</summary>
    public const string UrgentPriority = "urgent";

    /// <summary>The background queue of a job whose priority input is <paramref name="priority"/>: urgent work is high work.</summary>
    public static string QueueOf(string? priority) => priority switch
    {
        UrgentPriority => "high",
        not null when Queues.Contains(priority) => priority,
        _ => "default",
    };

    /// <summary>Creates a job on the published version and hands it to a background worker.</summary>
    public Task<WorkflowInstance> StartAsync(string definitionId, JsonObject? input, CancellationToken cancellationToken) =>
        StartAsync(definitionId, input, startedBy: null, cancellationToken);

    /// <param name="startedBy">The signed-in user or API key that asked for the job; told when it needs them or fails.</param>
    public async Task<WorkflowInstance> StartAsync(string definitionId, JsonObject? input, string? startedBy, CancellationToken cancellationToken)
    {
        var definition = await store.GetPublishedDefinitionAsync(definitionId, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException($"Workflow '{definitionId}' has no published version.");
        var bound = WorkflowInputBinder.Bind(definition, input);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var check in inputChecks) check.Check(bound, errors);
        if (errors.Count > 0) throw new WorkflowInputException(errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var instance = new WorkflowInstance
        {
            Id = Ids.New(),
            DefinitionId = definition.DefinitionId,
            DefinitionVersion = definition.Version,
            Name = definition.Name,
            Status = WorkflowStatus.Pending,
            Queue = QueueOf(bound["priority"] is JsonValue priority && priority.TryGetValue<string>(out var p) ? p : null),
            Input = bound,
            StartedBy = string.IsNullOrWhiteSpace(startedBy) ? null : startedBy,
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var variable in definition.Variables) instance.Variables[variable.Name] = variable.Value?.DeepClone();
        FlowchartRunner.Begin(instance, graphs.Get(definition));
        var admitted = admission.TryAdmit(instance);
        if (!admitted)
        {
            instance.CurrentStage = WorkflowInstance.QueuedStage;
            instance.StageHistory.Add(new StageChange(WorkflowInstance.QueuedStage, now, "waiting for admission"));
        }
        try
        {
            await store.CreateInstanceAsync(instance, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (admitted) admission.Withdraw(instance.Id);
            throw;
        }
        WorkflowLog.JobCreated(logger, instance.Id, definition.DefinitionId, definition.Version);
        foreach (var observer in _observers) observer.JobCreated(instance);
        if (admitted) scheduler.ScheduleRun(instance.Id, instance.Queue);
        else admission.Wait(instance);
        return instance;
    }

    /// <summary>Advances a pending or running job until it waits or ends.</summary>
    public Task<WorkflowInstance> RunAsync(string instanceId, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, async run =>
        {
            if (run.Instance.Status is WorkflowStatus.Pending or WorkflowStatus.Running)
                await runner.RunAsync(run).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Resumes the bookmark named <paramref name="bookmarkName"/>; the job must be waiting on it.</summary>
    /// <exception cref="WorkflowConflictException">The job has ended, is in another stage, or is not waiting on that name.</exception>
    public Task<WorkflowInstance> ResumeAsync(string instanceId, string bookmarkName, JsonNode? payload, string? expectedStage, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, async run =>
        {
            var instance = run.Instance;
            if (instance.Status.IsTerminal())
                throw new WorkflowConflictException($"Job {instanceId} has ended ({instance.Status}).");
            if (expectedStage is not null && !string.Equals(expectedStage, instance.CurrentStage, StringComparison.Ordinal))
                throw new WorkflowConflictException($"Job {instanceId} is in stage {instance.CurrentStage ?? "(none)"}, not {expectedStage}.");
            var hash = Bookmark.ComputeHash(instanceId, bookmarkName);
            var bookmark = instance.Bookmarks.FirstOrDefault(b => b.Hash == hash)
                ?? throw new WorkflowConflictException($"Job {instanceId} is not waiting on '{bookmarkName}'.");
            await ResumeCoreAsync(run, bookmark, payload).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Resumes a bookmark by id on behalf of its background job or timer; false when it is gone (cancelled or resumed already).</summary>
    public async Task<bool> ResumeBookmarkAsync(string instanceId, string bookmarkId, JsonNode? payload, CancellationToken cancellationToken)
    {
        var resumed = false;
        await WithInstanceAsync(instanceId, async run =>
        {
            var bookmark = run.Instance.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId);
            if (bookmark is null)
            {
                WorkflowLog.StaleBookmark(logger, instanceId, bookmarkId);
                return;
            }
            await ResumeCoreAsync(run, bookmark, payload).ConfigureAwait(false);
            resumed = true;
        }, cancellationToken).ConfigureAwait(false);
        return resumed;
    }

    /// <summary>
    /// Shows a scheduled retry on the waiting activity (its outputs' <see cref="LastRetryOutput"/>), so the job's view
    /// says why it waits; false when the bookmark is gone.
    /// </summary>
    public async Task<bool> NoteRetryAsync(string instanceId, string bookmarkId, JsonObject retry, CancellationToken cancellationToken)
    {
        var noted = false;
        await WithInstanceAsync(instanceId, async run =>
        {
            var bookmark = run.Instance.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId);
            if (bookmark is null || await store.GetExecutionAsync(bookmark.ExecutionId, cancellationToken).ConfigureAwait(false) is not { } record) return;
            (record.Outputs ??= [])[LastRetryOutput] = retry;
            run.Changes.UpdatedExecutions.Add(record);
            await run.Commit!(run).ConfigureAwait(false);
            noted = true;
        }, cancellationToken).ConfigureAwait(false);
        return noted;
    }

    public Task<WorkflowInstance> CancelAsync(string instanceId, string reason, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, async run =>
        {
            if (run.Instance.Status.IsTerminal())
                throw new WorkflowConflictException($"Job {instanceId} has ended ({run.Instance.Status}) and cannot be cancelled.");
            runner.Cancel(run, reason);
            await run.Commit!(run).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Fails a job that waits in <paramref name="expectedStage"/> and can never go on (its workspace's agent is lost).</summary>
    /// <exception cref="WorkflowConflictException">The job has ended or is in another stage.</exception>
    public Task<WorkflowInstance> FailAsync(string instanceId, string expectedStage, FaultInfo fault, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, async run =>
        {
            if (run.Instance.Status.IsTerminal() || !string.Equals(run.Instance.CurrentStage, expectedStage, StringComparison.Ordinal))
                throw new WorkflowConflictException($"Job {instanceId} is {run.Instance.Status} in stage {run.Instance.CurrentStage ?? "(none)"}, not waiting in {expectedStage}.");
            runner.Fail(run, fault);
            await run.Commit!(run).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Starts a job that has not ended over from its first activity (the agent that held its workspace hung):
    /// <paramref name="beforeRun"/> runs once the restart is committed and before a worker picks the job up (to clear
    /// what the first attempt left on a server), and the job is scheduled whether or not it succeeds.
    /// </summary>
    /// <exception cref="WorkflowConflictException">The job has ended.</exception>
    public async Task<WorkflowInstance> RestartAsync(string instanceId, string stage, string reason, Func<CancellationToken, Task>? beforeRun, CancellationToken cancellationToken)
    {
        var instance = await WithInstanceAsync(instanceId, async run =>
        {
            if (run.Instance.Status.IsTerminal())
                throw new WorkflowConflictException($"Job {instanceId} has ended ({run.Instance.Status}) and cannot be started over.");
            runner.Restart(run, stage, reason);
            await run.Commit!(run).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            if (beforeRun is not null) await beforeRun(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            scheduler.ScheduleRun(instance.Id, instance.Queue);
        }
        return instance;
    }

    /// <summary>The door through which job <paramref name="instanceId"/>'s background work reports waiting on something outside the workflow.</summary>
    public IJobWaits WaitsOf(string instanceId) => new JobWaits(this, instanceId, logger);

    /// <summary>Compare-and-set of the job's stage.</summary>
    /// <exception cref="WorkflowConflictException">The job is not in <paramref name="from"/>.</exception>
    public Task<WorkflowInstance> TransitionStageAsync(string instanceId, string from, string to, string? reason, CancellationToken cancellationToken) =>
        ChangeStageAsync(instanceId, instance => instance.Status.IsTerminal()
            ? throw new WorkflowConflictException($"Job {instanceId} has ended ({instance.Status}); its stage cannot change.")
            : (from, to), reason, cancellationToken);

    /// <summary>A stage change decided under the job's lock: <paramref name="decide"/> names the from and to stages, or null for none.</summary>
    internal Task<WorkflowInstance> ChangeStageAsync(string instanceId, Func<WorkflowInstance, (string From, string To)?> decide, string? reason, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, async run =>
        {
            if (decide(run.Instance) is not var (from, to)) return;
            runner.TransitionStage(run, from, to, reason);
            await run.Commit!(run).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Keeps what the host did for a job after its flowchart (its server cleanup) in the job's outputs under
    /// <paramref name="key"/>, committed under the job's lock like any step; the job's status does not change.
    /// </summary>
    public Task<WorkflowInstance> RecordAsync(string instanceId, string key, JsonNode value, CancellationToken cancellationToken) =>
        RecordAsync(instanceId, key, _ => value, cancellationToken);

    /// <summary>
    /// As <see cref="RecordAsync(string, string, JsonNode, CancellationToken)"/>, with the value decided under the job's
    /// lock from the job as it is then (so a check and the record are one step); null records nothing.
    /// </summary>
    public Task<WorkflowInstance> RecordAsync(string instanceId, string key, Func<WorkflowInstance, JsonNode?> decide, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, async run =>
        {
            ArgumentNullException.ThrowIfNull(decide);
            if (decide(run.Instance) is not { } value) return;
            run.Instance.Outputs[key] = value;
            await run.Commit!(run).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Puts every unfinished job back in the hands of the workers, from its last committed step.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var unfinished = await store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        // A durable scheduler may still hold a bookmark's work; dispatched again, it would run twice. What it does not
        // hold (it forgot at exit, or the process died between a step's commit and its dispatch) is dispatched here.
        var held = options.Value.RedispatchOnRecovery ? scheduler.HeldBookmarks() : null;
        // Oldest first, so jobs that waited for admission keep their order.
        foreach (var instance in unfinished.OrderBy(i => i.CreatedAt))
        {
            // A job nothing of which has run goes through admission again (it keeps its age); the rest hold their share.
            if (instance.Status is WorkflowStatus.Pending && instance.Scheduler.Runs.Count == 0)
            {
                if (admission.TryAdmit(instance)) scheduler.ScheduleRun(instance.Id, instance.Queue);
                else admission.Wait(instance);
                continue;
            }
            admission.Readmit(instance);
            if (instance.Status is WorkflowStatus.Pending or WorkflowStatus.Running) scheduler.ScheduleRun(instance.Id, instance.Queue);
            if (held is null) continue;
            foreach (var bookmark in instance.Bookmarks.Where(b => b.Dispatch != BookmarkDispatch.External && !held.Contains(b.Id)))
                scheduler.ScheduleBookmark(bookmark, instance.Queue);
        }
        WorkflowLog.Recovered(logger, unfinished.Count);
        return unfinished.Count;
    }

    private async Task ResumeCoreAsync(WorkflowRun run, Bookmark bookmark, JsonNode? payload)
    {
        var record = await store.GetExecutionAsync(bookmark.ExecutionId, run.CancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Execution {bookmark.ExecutionId} of bookmark {bookmark.Id} is missing from the store.");
        await runner.ResumeAsync(run, bookmark, record, payload).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the job as stored now. A worker of another process (a node of a cluster) that
    /// committed the job first makes this commit fail (<see cref="ConcurrencyException"/>): the action is run again on
    /// what that worker left, as a second run of it would (it finds done what was done), a few times before giving up.
    /// </summary>
    private async Task<WorkflowInstance> WithInstanceAsync(string instanceId, Func<WorkflowRun, Task> action, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WithInstanceOnceAsync(instanceId, action, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyException) when (attempt < MaxCommitAttempts)
            {
                WorkflowLog.CommittedElsewhere(logger, instanceId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private const int MaxCommitAttempts = 5;

    private async Task<WorkflowInstance> WithInstanceOnceAsync(string instanceId, Func<WorkflowRun, Task> action, CancellationToken cancellationToken)
    {
        await using var held = (await locks.AcquireAsync(instanceId, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var instance = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException($"Job {instanceId} does not exist.");
        using var scope = logger.BeginScope(new JobLogScope(instance));
        var definition = await store.GetDefinitionAsync(instance.DefinitionId, instance.DefinitionVersion, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException($"Version {instance.DefinitionVersion} of workflow '{instance.DefinitionId}' is missing.");
        var before = new JobSnapshot(instance.Status, instance.CurrentStage, clock.GetUtcNow().UtcDateTime);
        var run = new WorkflowRun(instance, graphs.Get(definition), services, cancellationToken)
        {
            Commit = async r =>
            {
                foreach (var source in _eventSources) source.Collect(r.Instance, before, r.Changes);
                await CommitAsync(r).ConfigureAwait(false);
                foreach (var observer in _observers) observer.StepCommitted(r.Instance, before, r.Changes);
                before = new JobSnapshot(r.Instance.Status, r.Instance.CurrentStage, r.Instance.UpdatedAt);
            },
            MaxHistory = options.Value.MaxHistoryPerJob,
        };
        await action(run).ConfigureAwait(false);
        return instance;
    }

    private async ValueTask CommitAsync(WorkflowRun run)
    {
        // Not the caller's token: a step that ran must be recorded even if the caller gave up.
        await store.CommitAsync(run.Instance, run.Changes, CancellationToken.None).ConfigureAwait(false);
        foreach (var bookmark in run.PendingDispatch) scheduler.ScheduleBookmark(bookmark, run.Instance.Queue);
    }
}

internal static partial class WorkflowLog
{
    [LoggerMessage(1001, LogLevel.Information, "Job {JobId} created from {DefinitionId} v{Version}")]
    public static partial void JobCreated(ILogger logger, string jobId, string definitionId, int version);

    [LoggerMessage(1002, LogLevel.Debug, "Bookmark {BookmarkId} of job {JobId} is gone; its result is ignored")]
    public static partial void StaleBookmark(ILogger logger, string jobId, string bookmarkId);

    [LoggerMessage(1003, LogLevel.Information, "Recovered {Count} unfinished jobs")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(1006, LogLevel.Information, "Job {JobId} was moved on by another worker first (attempt {Attempt}): running again on what it left")]
    public static partial void CommittedElsewhere(ILogger logger, string jobId, int attempt);

    [LoggerMessage(1004, LogLevel.Warning, "Could not change the stage of job {JobId}: {Reason}")]
    public static partial void StageNotChanged(ILogger logger, string jobId, string reason);
}
