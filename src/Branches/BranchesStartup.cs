using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Branches.Store;
using P4Flow.Workflows.State;

namespace P4Flow.Branches;

/// <summary>
/// Prepares the graph's table and loads branches.file when it changed since it was last loaded; a file that breaks a
/// rule stops the start, naming the line or the edge and field, as a bad master.yaml does.
/// </summary>
internal sealed partial class BranchesStartup(IBranchGraphStore store, BranchGraphService graphs, IOptions<BranchesOptions> options, ILogger<BranchesStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(options.Value.File)) return;
        var path = Path.GetFullPath(options.Value.File);
        try
        {
            if (await graphs.LoadFileAsync(path, cancellationToken).ConfigureAwait(false))
            {
                var graph = (await store.GetAsync(cancellationToken).ConfigureAwait(false)).Graph;
                LogLoaded(logger, path, graph.Nodes.Count, graph.Edges.Count);
            }
        }
        catch (WorkflowInputException ex)
        {
            throw new OptionsValidationException(BranchesOptions.Section, typeof(BranchesOptions),
                [.. ex.Errors.SelectMany(e => e.Value.Select(m => $"{path}: {e.Key}: {m}"))]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(8001, LogLevel.Information, "Loaded the branch graph from {Path}: {Nodes} nodes, {Edges} edges")]
    private static partial void LogLoaded(ILogger logger, string path, int nodes, int edges);
}
