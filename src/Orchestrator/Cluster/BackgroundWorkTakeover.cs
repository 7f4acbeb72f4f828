using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// A dead node's background work, taken over at once rather than when Hangfire's invisibility timeout hands it out
/// again: the work its workers had fetched (state Processing on one of its Hangfire servers, which carry the node's
/// name) is made visible in its queue, and the engine dispatches what a crash left with no background work at all.
/// </summary>
internal sealed partial class BackgroundWorkTakeover(ClusterNode node, WorkflowRuntime runtime, ILogger<BackgroundWorkTakeover> logger) : INodeTakeover
{
    public async Task TakeOverAsync(string nodeId, bool clean, CancellationToken cancellationToken)
    {
        // A clean stop handed its fetched work back itself, and left nothing undispatched.
        if (clean) return;
        var requeued = await node.ExecuteAsync("""
            UPDATE hangfire.jobqueue q SET fetchedat = NULL
            WHERE q.fetchedat IS NOT NULL AND q.jobid IN (
                SELECT j.id FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid
                WHERE j.statename = 'Processing' AND (s.data::jsonb ->> 'ServerId') LIKE @server)
            """, cancellationToken, ("server", node.HangfireServerPrefix(nodeId).Replace("_", "\\_", StringComparison.Ordinal) + "%")).ConfigureAwait(false);
        var recovered = await runtime.RecoverAsync(cancellationToken).ConfigureAwait(false);
        LogTakenOver(logger, nodeId, requeued, recovered);
    }

    [LoggerMessage(2040, LogLevel.Information, "Node {NodeId}'s background work taken over: {Requeued} fetched pieces handed out again, {Recovered} jobs recovered")]
    private static partial void LogTakenOver(ILogger logger, string nodeId, int requeued, int recovered);
}
