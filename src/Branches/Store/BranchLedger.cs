using Microsoft.EntityFrameworkCore;

namespace P4Flow.Branches.Store;

/// <summary>Where a change stands on one edge.</summary>
public static class ChangeStatus
{
    /// <summary>Seen, waiting for its turn.</summary>
    public const string Pending = "pending";
    /// <summary>On a manual edge: waits until someone approves it.</summary>
    public const string AwaitingApproval = "awaiting_approval";
    /// <summary>Its job runs.</summary>
    public const string Integrating = "integrating";
    /// <summary>Its job waits for a person to resolve conflicts: later changes touching its files wait behind it, the others go on.</summary>
    public const string NeedsResolve = "needs_resolve";
    /// <summary>Submitted on the target, or found there already.</summary>
    public const string Integrated = "integrated";
    /// <summary>Never integrated along this edge, with the reason why (kept, never lost).</summary>
    public const string Skipped = "skipped";
    /// <summary>Its job failed: the edge holds the changes after it until someone acts.</summary>
    public const string Failed = "failed";
    /// <summary>
    /// Handed to its owner as a shelf (its target change is the shelf's pending change): it holds its files' lane, like a
    /// parked change, until the owner submits it with its `#p4flow-source` line.
    /// </summary>
    public const string Shelved = "shelved";

    /// <summary>Seen and not yet integrated or skipped.</summary>
    public static readonly IReadOnlyList<string> Open = [Pending, AwaitingApproval, Integrating, NeedsResolve, Failed, Shelved];
}

/// <summary>A change as an edge sees it.</summary>
public sealed record EdgeChange(string EdgeId, int Change, string Server, string User, string Description, string Status, string? JobId, int? TargetChange, string? Reason, DateTime RecordedAt, DateTime UpdatedAt)
{
    /// <summary>The depot files it touched; null when there were too many to keep (it overlaps every change).</summary>
    public IReadOnlyList<string>? Files { get; init; }
}

/// <summary>How many of an edge's changes are in one status, the oldest of them seen when, and in that status since when.</summary>
public sealed record EdgeStatusCount(string EdgeId, string Status, int Count, DateTime OldestSeen, DateTime OldestSince);

/// <summary>A submitted change as the watcher reads it from the source.</summary>
public sealed record SubmittedChange(int Number, string User, string Description);

/// <summary>
/// Each edge's cursor and the changes it saw. The cursor moves in the same transaction that records the changes, so a
/// restart neither loses nor repeats one.
/// </summary>
public sealed class BranchLedger(IDbContextFactory<BranchDbContext> contexts, TimeProvider clock)
{
    public const int MaxDescription = 4000;

    /// <summary>
    /// Raised with the edge's id after a write to its changes or cursor commits (live views hang here). Handlers must be
    /// quick and must not throw: they run on the writer's thread.
    /// </summary>
    public event Action<string>? Changed;

    private void Raise(string edgeId) => Changed?.Invoke(edgeId);

    public async Task<int?> CursorAsync(string edgeId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return (await db.Cursors.AsNoTracking().FirstOrDefaultAsync(c => c.EdgeId == edgeId, cancellationToken).ConfigureAwait(false))?.LastChange;
    }

    /// <summary>Records <paramref name="changes"/> (each with its status and reason) and moves the cursor to <paramref name="cursor"/>, in one transaction.</summary>
    public async Task RecordAsync(string edgeId, string server, int cursor, IReadOnlyList<(SubmittedChange Change, string Status, string? Reason, IReadOnlyList<string>? Files)> changes, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await db.Cursors.FirstOrDefaultAsync(c => c.EdgeId == edgeId, cancellationToken).ConfigureAwait(false);
        if (row is null) db.Cursors.Add(row = new EdgeCursorRow { EdgeId = edgeId });
        // A cursor never goes back: a late or repeated poll records nothing twice.
        if (cursor <= row.LastChange && row.UpdatedAt != default) return;
        row.LastChange = cursor;
        row.UpdatedAt = now;
        foreach (var (change, status, reason, files) in changes.Where(c => c.Change.Number > 0))
        {
            db.Changes.Add(new EdgeChangeRow
            {
                EdgeId = edgeId, Change = change.Number, Server = server, User = change.User,
                Description = change.Description.Length > MaxDescription ? change.Description[..MaxDescription] : change.Description,
                Files = files is null ? "*" : string.Join('\n', files),
                Status = status, Reason = reason, RecordedAt = now, UpdatedAt = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        Raise(edgeId);
    }

    /// <summary>The edge's changes in changelist order, optionally of some statuses only, after change <paramref name="after"/> (a page at a time).</summary>
    public async Task<IReadOnlyList<EdgeChange>> ListAsync(string edgeId, IReadOnlyCollection<string>? statuses, int limit, CancellationToken cancellationToken, int after = 0)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = db.Changes.AsNoTracking().Where(c => c.EdgeId == edgeId && c.Change > after);
        if (statuses is not null) rows = rows.Where(c => statuses.Contains(c.Status));
        return [.. (await rows.OrderBy(c => c.Change).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false)).Select(ToChange)];
    }

    /// <summary>Where one change of a server went, on every edge that saw it.</summary>
    public async Task<IReadOnlyList<EdgeChange>> OfChangeAsync(string server, int change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return [.. (await db.Changes.AsNoTracking().Where(c => c.Server == server && c.Change == change).OrderBy(c => c.EdgeId).ToListAsync(cancellationToken).ConfigureAwait(false)).Select(ToChange)];
    }

    public async Task<EdgeChange?> OfJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Changes.AsNoTracking().FirstOrDefaultAsync(c => c.JobId == jobId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToChange(row);
    }

    /// <summary>Moves the change to <paramref name="status"/> if it is in <paramref name="from"/>; false when it was not.</summary>
    public async Task<bool> MoveAsync(string edgeId, int change, string from, string status, string? jobId, int? targetChange, string? reason, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Changes.FirstOrDefaultAsync(c => c.EdgeId == edgeId && c.Change == change, cancellationToken).ConfigureAwait(false);
        if (row is null || row.Status != from) return false;
        row.Status = status;
        row.JobId = jobId ?? row.JobId;
        row.TargetChange = targetChange ?? row.TargetChange;
        row.Reason = reason;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        Raise(edgeId);
        return true;
    }

    /// <summary>Per edge and open status: how many changes, the oldest seen, the oldest in that status since (for metrics).</summary>
    public async Task<IReadOnlyList<EdgeStatusCount>> SummaryAsync(CancellationToken cancellationToken)
    {
        var open = ChangeStatus.Open;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Changes.AsNoTracking().Where(c => open.Contains(c.Status))
            .GroupBy(c => new { c.EdgeId, c.Status })
            .Select(g => new { g.Key.EdgeId, g.Key.Status, Count = g.Count(), OldestSeen = g.Min(c => c.RecordedAt), OldestSince = g.Min(c => c.UpdatedAt) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new EdgeStatusCount(r.EdgeId, r.Status, r.Count, DateTime.SpecifyKind(r.OldestSeen, DateTimeKind.Utc), DateTime.SpecifyKind(r.OldestSince, DateTimeKind.Utc)))];
    }

    /// <summary>What a person may do with a change on an edge, from which statuses, to which.</summary>
    public static readonly IReadOnlyDictionary<string, (string[] From, string To)> Actions = new Dictionary<string, (string[], string)>(StringComparer.Ordinal)
    {
        ["approve"] = ([ChangeStatus.AwaitingApproval], ChangeStatus.Pending),
        // A running or parked change is skipped once its job is cancelled (BranchChangeActions does both).
        ["skip"] = ([ChangeStatus.Pending, ChangeStatus.AwaitingApproval, ChangeStatus.Failed, ChangeStatus.NeedsResolve, ChangeStatus.Integrating], ChangeStatus.Skipped),
        ["retry"] = ([ChangeStatus.Failed], ChangeStatus.Pending),
        // A parked change's owner: takes it (reminders stop), takes theirs for every file (the job moves on), or has it
        // shelved for them (its job ends; the shelf holds the lane until they submit it).
        ["acknowledge"] = ([ChangeStatus.NeedsResolve], ChangeStatus.NeedsResolve),
        ["stomp"] = ([ChangeStatus.NeedsResolve], ChangeStatus.NeedsResolve),
        ["shelve"] = ([ChangeStatus.NeedsResolve], ChangeStatus.Shelved),
    };

    /// <summary>A person's action on a change; the change as it is after it.</summary>
    /// <exception cref="P4Flow.Workflows.State.WorkflowNotFoundException">The edge never saw that change.</exception>
    /// <exception cref="P4Flow.Workflows.State.WorkflowConflictException">The change is not where the action applies.</exception>
    /// <param name="targetChange">For shelve: the shelf's pending change.</param>
    public async Task<EdgeChange> ActAsync(string edgeId, int change, string action, string? by, string? reason, CancellationToken cancellationToken, int? targetChange = null)
    {
        var to = Actions[action].To;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Changes.FirstOrDefaultAsync(c => c.EdgeId == edgeId && c.Change == change, cancellationToken).ConfigureAwait(false);
        Check(edgeId, change, action, row);
        row!.Status = to;
        row.Reason = action switch
        {
            "skip" => $"skipped by {by ?? "someone"}: {reason}",
            "approve" => $"approved by {by ?? "someone"}",
            "retry" => $"retried by {by ?? "someone"} (was: {row.Reason})",
            _ => $"{reason ?? action} ({action} by {by ?? "someone"})",
        };
        row.TargetChange = targetChange ?? row.TargetChange;
        if (action == "retry") row.JobId = null;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        Raise(edgeId);
        return ToChange(row);
    }

    /// <summary>The change as it is, if <paramref name="action"/> applies to it now (an action with work before it asks first).</summary>
    /// <exception cref="P4Flow.Workflows.State.WorkflowNotFoundException">The edge never saw that change.</exception>
    /// <exception cref="P4Flow.Workflows.State.WorkflowConflictException">The change is not where the action applies.</exception>
    public async Task<EdgeChange> ActionableAsync(string edgeId, int change, string action, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Changes.AsNoTracking().FirstOrDefaultAsync(c => c.EdgeId == edgeId && c.Change == change, cancellationToken).ConfigureAwait(false);
        Check(edgeId, change, action, row);
        return ToChange(row!);
    }

    private static void Check(string edgeId, int change, string action, EdgeChangeRow? row)
    {
        if (row is null) throw new P4Flow.Workflows.State.WorkflowNotFoundException($"Edge {edgeId} has not seen change {change}.");
        var from = Actions[action].From;
        if (!from.Contains(row.Status))
            throw new P4Flow.Workflows.State.WorkflowConflictException($"Change {change} on edge {edgeId} is {row.Status}; {action} applies to a change that is {string.Join(" or ", from)}.");
    }

    private static EdgeChange ToChange(EdgeChangeRow r) => new(r.EdgeId, r.Change, r.Server, r.User, r.Description, r.Status, r.JobId, r.TargetChange, r.Reason,
        DateTime.SpecifyKind(r.RecordedAt, DateTimeKind.Utc), DateTime.SpecifyKind(r.UpdatedAt, DateTimeKind.Utc))
    {
        Files = r.Files == "*" ? null : r.Files.Split('\n', StringSplitOptions.RemoveEmptyEntries),
    };
}
