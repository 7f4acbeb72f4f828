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
    P4Flow.Cluster.SharedDocuments? shared = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (shared is not null) await shared.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var folder = Path.GetFullPath(state.Value.WorkflowsDir);
        var published = await definitions.ImportFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        LogImported(logger, published, folder);
        await runtime.RecoverAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(2001, LogLevel.Information, "Published {Count} new workflow versions from {Folder}")]
    private static partial void LogImported(ILogger logger, int count, string folder);
}
