using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Branches;
using P4Flow.Branches.Graph;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Branches;

/// <summary>What a graph must agree with here: the servers of perforce.servers and the workflows published in the store.</summary>
internal sealed class BranchGraphHostContext(IOptions<PerforceOptions> perforce, IWorkflowStore store) : IBranchGraphContext
{
    public async Task<GraphContext> GetAsync(CancellationToken cancellationToken)
    {
        var published = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in await store.ListDefinitionsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (definition.IsPublished || await store.GetPublishedDefinitionAsync(definition.DefinitionId, cancellationToken).ConfigureAwait(false) is not null)
                published.Add(definition.DefinitionId);
        }
        return new GraphContext(perforce.Value.ServerNames.ToHashSet(StringComparer.Ordinal), published);
    }
}
