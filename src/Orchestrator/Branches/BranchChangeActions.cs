using Hangfire;
using P4Flow.Activities.Perforce.Conflicts;
using P4Flow.Branches;
using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;
using P4Flow.Notifications;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Branches;

/// <summary>
/// A person's action on a change of an edge, from the API or the Studio, then the bot looks again at once:
/// <list type="bullet">
/// <item>approve (manual edge), retry (failed), skip with a reason (a running or parked job is cancelled first, so its lane opens);</item>
/// <item>for a change parked in NEEDS_RESOLVE: acknowledge (its owner has it: reminders stop), stomp (theirs for every
/// file: the job moves on and submits), shelve (the integration, conflicts and all, shelved in a pending change given
/// to the owner; the job ends, and the change holds its lane until the owner submits it).</item>
/// </list>
/// </summary>
internal sealed class BranchChangeActions(
    BranchLedger ledger, WorkflowRuntime runtime, ConflictDesk desk, IServiceProvider services,
    Microsoft.Extensions.Options.IOptions<BranchesOptions> options, IBackgroundJobClient jobs, Audit.AuditLog audit)
{
    /// <summary>Does the action and writes it to the audit log: who, which change on which edge, what it became.</summary>
    public async Task<EdgeChange> ActAsync(string edgeId, int change, string action, string? by, string? reason, CancellationToken cancellationToken)
    {
        var after = await ActCoreAsync(edgeId, change, action, by, reason, cancellationToken).ConfigureAwait(false);
        audit.Write(new Audit.AuditEvent(Audit.AuditLog.BranchChangeAction, null, null, Audit.AuditEvent.Success,
            $"{action} change {change} on {edgeId}: now {after.Status}{(string.IsNullOrEmpty(after.Reason) ? "" : " (" + after.Reason + ")")}") { User = by, Target = edgeId });
        return after;
    }

    private async Task<EdgeChange> ActCoreAsync(string edgeId, int change, string action, string? by, string? reason, CancellationToken cancellationToken)
    {
        if (!BranchLedger.Actions.ContainsKey(action))
            throw new WorkflowNotFoundException($"There is no action '{action}' on a change: {string.Join(", ", BranchLedger.Actions.Keys)}.");
        reason = reason?.Trim();
        if (action == "skip" && string.IsNullOrEmpty(reason)) throw new WorkflowInputException("reason", "a skip says why: it is kept on the edge for good.");
        if (reason is { Length: > 500 }) throw new WorkflowInputException("reason", "reason is at most 500 characters.");
        var current = await ledger.ActionableAsync(edgeId, change, action, cancellationToken).ConfigureAwait(false);
        var who = by ?? "someone";
        switch (action)
        {
            case "skip" when current is { Status: ChangeStatus.NeedsResolve or ChangeStatus.Integrating, JobId: { } running }:
                await CancelAsync(running, $"change {change} was skipped on {edgeId} by {who}: {reason}", cancellationToken).ConfigureAwait(false);
                break;
            case "acknowledge":
                var acknowledgements = services.GetService<Acknowledgements>()
                    ?? throw new WorkflowConflictException("Notifications are not configured here: there are no reminders to stop.");
                await acknowledgements.AcknowledgeAsync(Job(current), who, cancellationToken).ConfigureAwait(false);
                reason = $"its owner has it: acknowledged by {who}";
                break;
            case "stomp":
                // Noted first: once settled, the job may submit and a pass move the change on before this returns.
                var stomping = await ledger.ActAsync(edgeId, change, action, by, $"taking theirs for every file (stomp) by {who}", cancellationToken).ConfigureAwait(false);
                await desk.SettleAllAsync(Job(current), SettleChoice.Theirs, who, cancellationToken).ConfigureAwait(false);
                jobs.Enqueue<BranchWatcher>(w => w.RunAsync(CancellationToken.None));
                return stomping;
            case "shelve":
                var owner = options.Value.OwnerOf(current.User);
                var shelf = await desk.ShelveForOwnerAsync(Job(current), owner, who, cancellationToken).ConfigureAwait(false);
                // Recorded before the job is cancelled: a pass that sees the cancelled job must find the change shelved, not fail it.
                var shelved = await ledger.ActAsync(edgeId, change, action, by,
                    $"shelved for {owner} in pending change {shelf.Change}: waits until they submit it", cancellationToken, shelf.Change).ConfigureAwait(false);
                await CancelAsync(Job(current), $"shelved for {owner} in change {shelf.Change} by {who}", cancellationToken).ConfigureAwait(false);
                jobs.Enqueue<BranchWatcher>(w => w.RunAsync(CancellationToken.None));
                return shelved;
        }
        var after = await ledger.ActAsync(edgeId, change, action, by, reason, cancellationToken).ConfigureAwait(false);
        jobs.Enqueue<BranchWatcher>(w => w.RunAsync(CancellationToken.None));
        return after;
    }

    private static string Job(EdgeChange change) =>
        change.JobId ?? throw new WorkflowConflictException($"Change {change.Change} on edge {change.EdgeId} has no job to act on.");

    private async Task CancelAsync(string jobId, string why, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.CancelAsync(jobId, why, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowConflictException)
        {
            // It ended meanwhile: the action still stands.
        }
    }
}
