using System.Security.Cryptography;
using System.Text;
using P4Flow.Branches.Graph;
using P4Flow.Branches.Store;
using P4Flow.Workflows.State;

namespace P4Flow.Branches;

/// <summary>Reading and changing the branch graph: every save checked against the rules and the host, each a new revision.</summary>
public sealed class BranchGraphService(IBranchGraphStore store, IBranchGraphContext context)
{
    public Task<StoredGraph> GetAsync(CancellationToken cancellationToken) => store.GetAsync(cancellationToken);

    /// <exception cref="WorkflowInputException">The graph breaks a rule: each error named by its field.</exception>
    /// <exception cref="WorkflowConflictException">Someone saved another revision since <paramref name="expectedRevision"/>.</exception>
    public async Task<StoredGraph> SaveAsync(BranchGraph graph, int? expectedRevision, string? by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var errors = BranchGraphRules.Check(graph, await context.GetAsync(cancellationToken).ConfigureAwait(false));
        if (errors.Count > 0) throw new WorkflowInputException(errors);
        return await store.SaveAsync(graph, expectedRevision, by, sourceHash: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the graph with the YAML's.</summary>
    /// <exception cref="WorkflowInputException">The YAML is not a graph (errors by line) or breaks a rule (by field).</exception>
    public async Task<StoredGraph> ImportAsync(string yaml, int? expectedRevision, string? by, CancellationToken cancellationToken)
    {
        var graph = BranchGraphYaml.Read(yaml, await context.GetAsync(cancellationToken).ConfigureAwait(false));
        return await store.SaveAsync(graph, expectedRevision, by, sourceHash: null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> ExportAsync(CancellationToken cancellationToken) =>
        BranchGraphYaml.Write((await store.GetAsync(cancellationToken).ConfigureAwait(false)).Graph);

    /// <summary>Pauses or resumes one edge; false when the graph has no such edge.</summary>
    public async Task<StoredGraph?> SetPausedAsync(string edgeId, bool paused, string? by, CancellationToken cancellationToken)
    {
        var current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        if (current.Graph.Edge(edgeId) is not { } edge) return null;
        if (edge.Paused == paused) return current;
        var edges = current.Graph.Edges.Select(e => e.Id == edgeId ? e with { Paused = paused } : e).ToList();
        return await store.SaveAsync(current.Graph with { Edges = edges }, current.Revision, by, current.SourceHash, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the graph file when it changed since it was last loaded; false when it was loaded already or is missing.</summary>
    /// <exception cref="WorkflowInputException">The file is not a good graph: each error named by its line or field.</exception>
    public async Task<bool> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return false;
        var yaml = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));
        if ((await store.GetAsync(cancellationToken).ConfigureAwait(false)).SourceHash == hash) return false;
        var graph = BranchGraphYaml.Read(yaml, await context.GetAsync(cancellationToken).ConfigureAwait(false));
        await store.SaveAsync(graph, expectedRevision: null, by: path, sourceHash: hash, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
