using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Hosting;

/// <summary>Prepares the store (and the shared documents on PostgreSQL), publishes the workflows folder, and resumes every job a previous run left unfinished.</summary>
internal sealed partial class EngineStartup(
    IWorkflowStore store,
    WorkflowDefinitionService definitions,
    WorkflowRuntime runtime,
    IOptions<StateManagementOptions> state,
    ILogger<EngineStartup> logger,
    P4Flow.Cluster.SharedDocuments? shared = null,
    Cluster.ClusterNode? node = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (shared is not null) await shared.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var folder = Path.GetFullPath(state.Value.WorkflowsDir);
        var published = await definitions.ImportFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        LogImported(logger, published, folder);
        // A node joining a running cluster recovers nothing: the live nodes hold their jobs (a second dispatch of them
        // would run beside theirs), and a node among them that is in fact dead is taken over when its lease runs out.
        if (node is not null && await LiveNodesAsync(node, cancellationToken).ConfigureAwait(false) is > 0 and var live)
        {
            LogJoinedRunning(logger, live);
            return;
        }
        await runtime.RecoverAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> LiveNodesAsync(Cluster.ClusterNode node, CancellationToken cancellationToken)
    {
        await using var count = node.Command("SELECT count(*) FROM cluster_nodes WHERE down_at IS NULL AND lease_until > now()");
        return (long)(await count.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
    }

    [LoggerMessage(2002, LogLevel.Information, "Joining a running cluster ({Live} live nodes): they hold the unfinished jobs, nothing is recovered here")]
    private static partial void LogJoinedRunning(ILogger logger, long live);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(2001, LogLevel.Information, "Published {Count} new workflow versions from {Folder}")]
    private static partial void LogImported(ILogger logger, int count, string folder);
}
