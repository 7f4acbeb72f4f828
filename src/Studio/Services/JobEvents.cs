using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Studio.Services;

/// <summary>
/// Hears every committed step from the engine and hands a snapshot to the Studio circuits that watch: the jobs
/// list watches all jobs, a job view watches one. Nothing polls the store; a view reads it once when it opens.
/// </summary>
public sealed class JobEvents : IWorkflowObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Action<JobUpdate>[]> _byJob = new(StringComparer.Ordinal);
    private Action<JobUpdate>[] _all = [];

    /// <summary>Calls <paramref name="handler"/> after each step of job <paramref name="jobId"/> (every job when null).</summary>
    /// <remarks>The handler runs on the engine's worker under the job's lock: it must only queue work (e.g. InvokeAsync).</remarks>
    public IDisposable Subscribe(string? jobId, Action<JobUpdate> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            if (jobId is null) _all = [.. _all, handler];
            else _byJob[jobId] = [.. _byJob.GetValueOrDefault(jobId) ?? [], handler];
        }
        return new Subscription(this, jobId, handler);
    }

    public void JobCreated(WorkflowInstance instance) => Publish(instance, null);

    /// <summary>Whether a view watches the job (or every job): worth reading it to tell them of a step made elsewhere.</summary>
    public bool Watches(string jobId)
    {
        lock (_gate) return _all.Length > 0 || _byJob.ContainsKey(jobId);
    }

    /// <summary>A step another process (a node of a cluster) committed, as read back from the store: the job as it is now, with its executions.</summary>
    public void StepElsewhere(WorkflowInstance instance, IReadOnlyList<ActivityExecutionRecord> executions)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(executions);
        Action<JobUpdate>[] all;
        Action<JobUpdate>[]? one;
        lock (_gate)
        {
            all = _all;
            one = _byJob.GetValueOrDefault(instance.Id);
        }
        var update = new JobUpdate(JobSummary.From(instance), one is null ? [] : [.. executions.Select(ExecutionSnapshot.From)], []);
        foreach (var handler in all) Call(handler, update);
        foreach (var handler in one ?? []) Call(handler, update);
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes) => Publish(instance, changes);

    private void Publish(WorkflowInstance instance, StepChanges? changes)
    {
        Action<JobUpdate>[] all;
        Action<JobUpdate>[]? one;
        lock (_gate)
        {
            all = _all;
            one = _byJob.GetValueOrDefault(instance.Id);
        }
        if (all.Length == 0 && one is null) return;
        try
        {
            var summary = JobSummary.From(instance);
            var executions = one is null || changes is null
                ? []
                : changes.AddedExecutions.Concat(changes.UpdatedExecutions).Select(ExecutionSnapshot.From).ToList();
            var update = new JobUpdate(summary, executions, changes is null ? [] : [.. changes.CancelledExecutionIds]);
            foreach (var handler in all) Call(handler, update);
            foreach (var handler in one ?? []) Call(handler, update);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An observer must never fail the engine's step; a view that misses an update refreshes on reopen.
        }
    }

    private static void Call(Action<JobUpdate> handler, JobUpdate update)
    {
        try
        {
            handler(update);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The circuit went away between the lookup and the call.
        }
    }

    private void Unsubscribe(string? jobId, Action<JobUpdate> handler)
    {
        lock (_gate)
        {
            if (jobId is null)
            {
                _all = [.. _all.Where(h => h != handler)];
                return;
            }
            if (!_byJob.TryGetValue(jobId, out var handlers)) return;
            var rest = handlers.Where(h => h != handler).ToArray();
            if (rest.Length == 0) _byJob.Remove(jobId);
            else _byJob[jobId] = rest;
        }
    }

    private sealed class Subscription(JobEvents owner, string? jobId, Action<JobUpdate> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unsubscribe(jobId, handler);
        }
    }
}

/// <summary>One committed step: the job as it now is, and the activity executions the step added or changed.</summary>
public sealed record JobUpdate(JobSummary Job, IReadOnlyList<ExecutionSnapshot> Executions, IReadOnlyList<string> CancelledExecutionIds);
