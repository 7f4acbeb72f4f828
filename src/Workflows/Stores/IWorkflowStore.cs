using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Stores;

/// <summary>Where definitions and jobs live: SQLite by default, in memory for tests, PostgreSQL to scale out.</summary>
public interface IWorkflowStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The given version, or the latest one when <paramref name="version"/> is null.</summary>
    Task<WorkflowDefinition?> GetDefinitionAsync(string definitionId, int? version, CancellationToken cancellationToken);

    Task<WorkflowDefinition?> GetPublishedDefinitionAsync(string definitionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<WorkflowDefinition>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken);

    /// <summary>The latest version of every definition.</summary>
    Task<IReadOnlyList<WorkflowDefinition>> ListDefinitionsAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces one version and keeps IsLatest/IsPublished true on one version each.</summary>
    Task SaveDefinitionAsync(WorkflowDefinition definition, CancellationToken cancellationToken);

    /// <summary>Removes every version of a definition; jobs already run keep their own rows.</summary>
    /// <returns>How many versions were removed (0 when it did not exist).</returns>
    Task<int> DeleteDefinitionAsync(string definitionId, CancellationToken cancellationToken);

    Task CreateInstanceAsync(WorkflowInstance instance, CancellationToken cancellationToken);

    /// <summary>Writes the instance and the step's changes atomically.</summary>
    /// <exception cref="ConcurrencyException">The stored revision is not the one this instance was read at.</exception>
    Task CommitAsync(WorkflowInstance instance, StepChanges changes, CancellationToken cancellationToken);

    Task<WorkflowInstance?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken);

    Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// A keyset page of the query (After must be set) as ids and revisions, without reading the instances: a caller
    /// that keeps what it read (the resolve watcher's pass over thousands of parked jobs) reads only those that moved.
    /// </summary>
    Task<IReadOnlyList<InstanceRevision>> QueryRevisionsAsync(InstanceQuery query, CancellationToken cancellationToken);

    /// <summary>Instances that are pending, running or suspended: what recovery resumes.</summary>
    Task<IReadOnlyList<WorkflowInstance>> ListUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The revision of every unfinished instance, by id, without reading the instances: a caller that keeps what it
    /// read (the metrics' gauges over thousands of parked jobs) reads again only those whose revision moved.
    /// </summary>
    Task<IReadOnlyDictionary<string, int>> ListUnfinishedRevisionsAsync(CancellationToken cancellationToken);

    /// <summary>The instances with these ids that exist, in no particular order.</summary>
    Task<IReadOnlyList<WorkflowInstance>> GetInstancesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<ActivityExecutionRecord>> ListExecutionsAsync(string instanceId, CancellationToken cancellationToken);

    Task<ActivityExecutionRecord?> GetExecutionAsync(string executionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string hash, CancellationToken cancellationToken);
}

/// <param name="Page">Offset paging, newest first (lists for people).</param>
/// <param name="After">
/// Keyset paging instead: instances with an id above this one, in id order (Page is ignored). A pass over every
/// match (the resolve watcher's) skips none of them even as others leave the query between its pages, which offset
/// paging cannot promise. Start with "" and go on from the last id of each page.
/// </param>
public sealed record InstanceQuery(
    WorkflowStatus? Status = null,
    string? Stage = null,
    string? DefinitionId = null,
    int Page = 1,
    int PageSize = 50,
    string? After = null);

public sealed record InstanceRevision(string Id, int Revision);

public sealed record InstancePage(IReadOnlyList<WorkflowInstance> Items, int Total, int Page, int PageSize);
