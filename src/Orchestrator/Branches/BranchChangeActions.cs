using Hangfire;
using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Branches;

/// <summary>
/// A person's action on a change of an edge, from the API or the Studio: approve, skip (a running or parked change's
/// job is cancelled first, so its lane opens), retry; then the bot looks again at once.
/// </summary>
internal sealed class BranchChangeActions(BranchLedger ledger, WorkflowRuntime runtime, IBackgroundJobClient jobs)
{
    public async Task<EdgeChange> ActAsync(string edgeId, int change, string action, string? by, string? reason, CancellationToken cancellationToken)
    {
        if (!BranchLedger.Actions.ContainsKey(action))
            throw new WorkflowNotFoundException($"There is no action '{action}' on a change: {string.Join(", ", BranchLedger.Actions.Keys)}.");
        reason = reason?.Trim();
        if (action == "skip" && string.IsNullOrEmpty(reason)) throw new WorkflowInputException("reason", "a skip says why: it is kept on the edge for good.");
        if (reason is { Length: > 500 }) throw new WorkflowInputException("reason", "reason is at most 500 characters.");
        var current = (await ledger.ListAsync(edgeId, null, 100_000, cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.Change == change);
        if (action == "skip" && current is { Status: ChangeStatus.NeedsResolve or ChangeStatus.Integrating, JobId: { } jobId })
        {
            try
            {
                await runtime.CancelAsync(jobId, $"change {change} was skipped on {edgeId} by {by ?? "someone"}: {reason}", cancellationToken).ConfigureAwait(false);
            }
            catch (WorkflowConflictException)
            {
                // It ended meanwhile: the skip still stands.
            }
        }
        var after = await ledger.ActAsync(edgeId, change, action, by, reason, cancellationToken).ConfigureAwait(false);
        jobs.Enqueue<BranchWatcher>(w => w.RunAsync(CancellationToken.None));
        return after;
    }
}
