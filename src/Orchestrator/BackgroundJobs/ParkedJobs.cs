using System.Collections.Concurrent;
using P4Flow.Activities.Perforce;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>One keyset page of the jobs parked in NEEDS_RESOLVE; <paramref name="Last"/> is where the next one starts.</summary>
internal sealed record ParkedPage(IReadOnlyList<WorkflowInstance> Jobs, string? Last, bool More);

/// <summary>
/// The parked jobs the resolve watcher has read, kept by revision: a pass lists ids and revisions page by page and
/// reads again only the jobs that changed since, where reading thousands of whole jobs every pass would cost more than
/// the checks. The watcher only reads them; a job is read fresh from the store before anything acts on it.
/// </summary>
internal sealed class ParkedJobs(IWorkflowStore store)
{
    private readonly ConcurrentDictionary<string, WorkflowInstance> _read = new(StringComparer.Ordinal);

    public async Task<ParkedPage> PageAsync(string after, int size, CancellationToken cancellationToken)
    {
        var keys = await store.QueryRevisionsAsync(new InstanceQuery(WorkflowStatus.Suspended, ResolveContinuation.Stage, PageSize: size, After: after), cancellationToken).ConfigureAwait(false);
        var changed = keys.Where(k => !_read.TryGetValue(k.Id, out var job) || job.Revision != k.Revision).Select(k => k.Id).ToList();
        if (changed.Count > 0)
        {
            foreach (var job in await store.GetInstancesAsync(changed, cancellationToken).ConfigureAwait(false)) _read[job.Id] = job;
        }
        // A job that moved on between the two reads is left out of this pass.
        var jobs = keys.Select(k => _read.GetValueOrDefault(k.Id))
            .Where(j => j is { Status: WorkflowStatus.Suspended, CurrentStage: ResolveContinuation.Stage }).Select(j => j!).ToList();
        return new ParkedPage(jobs, keys.Count > 0 ? keys[^1].Id : null, keys.Count == size);
    }

    /// <summary>Forgets the jobs a whole pass did not meet (moved on, failed, cancelled).</summary>
    public void KeepOnly(IReadOnlySet<string> parked)
    {
        foreach (var id in _read.Keys.Where(id => !parked.Contains(id))) _read.TryRemove(id, out _);
    }
}
