using System.Collections.Concurrent;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Stores;

/// <summary>
/// A store in process memory, for tests and throw-away runs. Everything goes in and out as a JSON copy, so
/// callers never share objects with the store, as with a database.
/// </summary>
public sealed partial class MemoryWorkflowStore : IWorkflowStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, int), string> _definitions = [];
    private readonly Dictionary<string, string> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _executions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, Bookmark>> _bookmarksByHash = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<WorkflowDefinition?> GetDefinitionAsync(string definitionId, int? version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var match = Versions(definitionId).Where(d => version is null ? d.IsLatest : d.Version == version).FirstOrDefault();
            return Task.FromResult(match);
        }
    }

    public Task<WorkflowDefinition?> GetPublishedDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(Versions(definitionId).FirstOrDefault(d => d.IsPublished));
    }

    public Task<IReadOnlyList<WorkflowDefinition>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<WorkflowDefinition>>(Versions(definitionId).OrderBy(d => d.Version).ToList());
    }

    public Task<IReadOnlyList<WorkflowDefinition>> ListDefinitionsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WorkflowDefinition>>(_definitions.Values
                .Select(WorkflowJson.Deserialize<WorkflowDefinition>).Where(d => d.IsLatest).OrderBy(d => d.Name, StringComparer.Ordinal).ToList());
        }
    }

    public Task SaveDefinitionAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var other in Versions(definition.DefinitionId).Where(d => d.Version != definition.Version))
            {
                var changed = false;
                if (definition.IsLatest && other.IsLatest) { other.IsLatest = false; changed = true; }
                if (definition.IsPublished && other.IsPublished) { other.IsPublished = false; changed = true; }
                if (changed) _definitions[(other.DefinitionId, other.Version)] = WorkflowJson.Serialize(other);
            }
            _definitions[(definition.DefinitionId, definition.Version)] = WorkflowJson.Serialize(definition);
        }
        return Task.CompletedTask;
    }

    public Task<int> DeleteDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var keys = _definitions.Keys.Where(k => k.Item1 == definitionId).ToList();
            foreach (var key in keys) _definitions.Remove(key);
            return Task.FromResult(keys.Count);
        }
    }

    public Task CreateInstanceAsync(WorkflowInstance instance, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_instances.TryAdd(instance.Id, WorkflowJson.Serialize(instance)))
                throw new InvalidOperationException($"Instance {instance.Id} exists already.");
            IndexBookmarks([], instance.Bookmarks);
        }
        return Task.CompletedTask;
    }

    public Task CommitAsync(WorkflowInstance instance, StepChanges changes, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var stored = _instances.TryGetValue(instance.Id, out var storedJson) ? WorkflowJson.Deserialize<WorkflowInstance>(storedJson) : null;
            if (stored is null || stored.Revision != instance.Revision) throw new ConcurrencyException(instance.Id);
            instance.Revision++;
            IndexBookmarks(stored.Bookmarks, instance.Bookmarks);
            _instances[instance.Id] = WorkflowJson.Serialize(instance);
            foreach (var record in changes.AddedExecutions.Concat(changes.UpdatedExecutions))
                _executions[record.Id] = WorkflowJson.Serialize(record);
            foreach (var id in changes.CancelledExecutionIds)
            {
                if (!_executions.TryGetValue(id, out var json)) continue;
                var record = WorkflowJson.Deserialize<ActivityExecutionRecord>(json);
                record.Status = ExecutionStatus.Cancelled;
                record.CompletedAt ??= DateTime.UtcNow;
                _executions[id] = WorkflowJson.Serialize(record);
            }
            AddNewOutbox(changes.Outbox);
        }
        return Task.CompletedTask;
    }

    public Task<WorkflowInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_instances.TryGetValue(instanceId, out var json) ? WorkflowJson.Deserialize<WorkflowInstance>(json) : null);
        }
    }

    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        List<WorkflowInstance> all;
        lock (_gate) all = _instances.Values.Select(WorkflowJson.Deserialize<WorkflowInstance>).ToList();
        var matching = all
            .Where(i => query.Status is null || i.Status == query.Status)
            .Where(i => query.Stage is null || i.CurrentStage == query.Stage)
            .Where(i => query.DefinitionId is null || i.DefinitionId == query.DefinitionId)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id, StringComparer.Ordinal)
            .ToList();
        var page = query.After is { } after
            ? matching.Where(i => string.CompareOrdinal(i.Id, after) > 0).OrderBy(i => i.Id, StringComparer.Ordinal).Take(query.PageSize).ToList()
            : matching.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();
        return Task.FromResult(new InstancePage(page, matching.Count, query.Page, query.PageSize));
    }

    public async Task<IReadOnlyList<InstanceRevision>> QueryRevisionsAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.After is null) throw new ArgumentException("Revisions are paged by keyset: After must be set.", nameof(query));
        var page = await QueryInstancesAsync(query, cancellationToken).ConfigureAwait(false);
        return page.Items.Select(i => new InstanceRevision(i.Id, i.Revision)).ToList();
    }

    public Task<IReadOnlyDictionary<string, int>> ListUnfinishedRevisionsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, int>>(_instances.Values
                .Select(WorkflowJson.Deserialize<WorkflowInstance>).Where(i => !i.Status.IsTerminal())
                .ToDictionary(i => i.Id, i => i.Revision, StringComparer.Ordinal));
        }
    }

    public Task<IReadOnlyList<WorkflowInstance>> GetInstancesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WorkflowInstance>>(instanceIds.Distinct(StringComparer.Ordinal)
                .Where(_instances.ContainsKey).Select(id => WorkflowJson.Deserialize<WorkflowInstance>(_instances[id])).ToList());
        }
    }

    public Task<IReadOnlyList<WorkflowInstance>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WorkflowInstance>>(_instances.Values
                .Select(WorkflowJson.Deserialize<WorkflowInstance>).Where(i => !i.Status.IsTerminal()).ToList());
        }
    }

    public Task<IReadOnlyList<ActivityExecutionRecord>> ListExecutionsAsync(string instanceId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ActivityExecutionRecord>>(_executions.Values
            .Select(WorkflowJson.Deserialize<ActivityExecutionRecord>).Where(r => r.InstanceId == instanceId).OrderBy(r => r.Sequence).ToList());

    public Task<ActivityExecutionRecord?> GetExecutionAsync(string executionId, CancellationToken cancellationToken) =>
        Task.FromResult(_executions.TryGetValue(executionId, out var json) ? WorkflowJson.Deserialize<ActivityExecutionRecord>(json) : null);

    public Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string hash, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Bookmark>>(_bookmarksByHash.TryGetValue(hash, out var found)
                ? found.Values.Select(b => WorkflowJson.Deserialize<Bookmark>(WorkflowJson.Serialize(b))).ToList()
                : []);
        }
    }

    private void IndexBookmarks(List<Bookmark> before, List<Bookmark> after)
    {
        foreach (var old in before)
        {
            if (_bookmarksByHash.TryGetValue(old.Hash, out var set) && set.Remove(old.Id) && set.Count == 0) _bookmarksByHash.Remove(old.Hash);
        }
        foreach (var bookmark in after)
        {
            if (!_bookmarksByHash.TryGetValue(bookmark.Hash, out var set)) _bookmarksByHash[bookmark.Hash] = set = new(StringComparer.Ordinal);
            set[bookmark.Id] = bookmark;
        }
    }

    private List<WorkflowDefinition> Versions(string definitionId) =>
        _definitions.Where(p => p.Key.Item1 == definitionId).Select(p => WorkflowJson.Deserialize<WorkflowDefinition>(p.Value)).ToList();
}
