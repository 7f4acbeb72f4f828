using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Expressions;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// Advances a flowchart: runs scheduled activities one at a time, follows the connections of the
/// outcomes they chose, and marks the others dead so that a Merge join knows which branches will never
/// arrive (dead-path elimination). The caller holds the instance lock.
/// </summary>
public sealed class FlowchartRunner(ActivityInputEvaluator inputs, TimeProvider clock)
{
    /// <summary>Safety net against a definition that keeps scheduling work without suspending.</summary>
    public const int MaxStepsPerPass = 100_000;

    /// <summary>Schedules the start activities of a new instance.</summary>
    public static void Begin(WorkflowInstance instance, FlowchartGraph graph)
    {
        foreach (var start in graph.StartNodes) instance.Scheduler.Queue.Add(start.Id);
    }

    /// <summary>Runs until nothing is scheduled, then settles the status (Suspended or Finished).</summary>
    public async ValueTask RunAsync(WorkflowRun run)
    {
        var instance = run.Instance;
        if (instance.Status.IsTerminal()) return;
        var queue = instance.Scheduler.Queue;
        instance.Status = WorkflowStatus.Running;
        // Admitted: the job leaves QUEUED for the stage of its first staged activity.
        if (instance.CurrentStage == WorkflowInstance.QueuedStage) instance.CurrentStage = null;
        var steps = 0;
        while (queue.Count > 0 && instance.Status == WorkflowStatus.Running)
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            if (++steps > MaxStepsPerPass)
            {
                FaultInstance(run, new FaultInfo($"More than {MaxStepsPerPass} activities ran without the job waiting once; stopped as a runaway loop."));
                break;
            }
            var id = queue[0];
            queue.RemoveAt(0);
            if (run.Graph.Nodes.TryGetValue(id, out var node)) await ExecuteAsync(run, node).ConfigureAwait(false);
            if (queue.Count == 0) Settle(run);
            await CommitAsync(run).ConfigureAwait(false);
        }
        if (instance.Status == WorkflowStatus.Running)
        {
            Settle(run);
            await CommitAsync(run).ConfigureAwait(false);
        }
    }

    /// <summary>Resumes the activity that created <paramref name="bookmark"/>, then runs what it scheduled.</summary>
    public async ValueTask ResumeAsync(WorkflowRun run, Bookmark bookmark, ActivityExecutionRecord record, JsonNode? payload)
    {
        RemoveBookmark(run, bookmark);
        if (!run.Graph.Nodes.TryGetValue(bookmark.ActivityId, out var node))
        {
            FaultInstance(run, new FaultInfo($"Activity '{bookmark.ActivityId}' is not in version {run.Instance.DefinitionVersion} of the workflow.", bookmark.ActivityId));
            await CommitAsync(run).ConfigureAwait(false);
            return;
        }
        run.Instance.Status = WorkflowStatus.Running;
        var context = new ActivityExecutionContext(run.Instance, node.Node, node.Descriptor, record, record.Inputs ?? [], run.Services, run.CancellationToken);
        try
        {
            await node.Descriptor.Activity.ResumeAsync(context, payload).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Fail(ex.Message);
        }
        Apply(run, node, context, isNew: false);
        if (run.Instance.Status.IsTerminal()) await CommitAsync(run).ConfigureAwait(false);
        else await RunAsync(run).ConfigureAwait(false);
    }

    /// <summary>Ends the instance as cancelled; bookmarks go and nothing more runs.</summary>
    public void Cancel(WorkflowRun run, string reason)
    {
        var instance = run.Instance;
        DropPendingWork(run);
        instance.Status = WorkflowStatus.Cancelled;
        instance.Fault = new FaultInfo(reason);
        instance.FinishedAt = clock.GetUtcNow().UtcDateTime;
        EnterStage(run, WorkflowInstance.CancelledStage, reason);
    }

    /// <summary>
    /// Starts the job over from its first activities, in <paramref name="stage"/> until the first of them enters its
    /// own: what was pending is dropped (a background worker still running it finds its bookmark gone), the loop counts
    /// start again, and what already ran stays in the history and the execution records.
    /// </summary>
    public void Restart(WorkflowRun run, string stage, string reason)
    {
        var instance = run.Instance;
        DropPendingWork(run);
        instance.Scheduler.Connections.Clear();
        instance.Scheduler.Runs.Clear();
        instance.Scheduler.ClosedRaces.Clear();
        Begin(instance, run.Graph);
        instance.Status = WorkflowStatus.Running;
        EnterStage(run, stage, reason);
    }

    /// <summary>Ends the instance as faulted from outside its activities (e.g. a waiting job whose agent is lost).</summary>
    public void Fail(WorkflowRun run, FaultInfo fault) => FaultInstance(run, fault);

    /// <summary>Moves the job to <paramref name="to"/> only if it is in <paramref name="from"/>.</summary>
    public void TransitionStage(WorkflowRun run, string from, string to, string? reason)
    {
        var current = run.Instance.CurrentStage;
        if (!string.Equals(current, from, StringComparison.Ordinal))
            throw new WorkflowConflictException($"Job {run.Instance.Id} is in stage {current ?? "(none)"}, not {from}.");
        EnterStage(run, to, reason);
    }

    private async ValueTask ExecuteAsync(WorkflowRun run, GraphNode node)
    {
        var instance = run.Instance;
        var runs = instance.Scheduler.Runs;
        var count = runs.GetValueOrDefault(node.Id) + 1;
        runs[node.Id] = count;
        if (node.IsLoopTarget && count > node.IterationCap)
        {
            FaultInstance(run, new FaultInfo($"Activity '{node.Id}' reached its loop cap of {node.IterationCap} iterations.", node.Id));
            return;
        }
        if (node.Stage is { } stage && !string.Equals(stage, instance.CurrentStage, StringComparison.Ordinal))
            EnterStage(run, stage, null);

        var now = clock.GetUtcNow().UtcDateTime;
        var record = new ActivityExecutionRecord
        {
            Id = Ids.New(),
            InstanceId = instance.Id,
            Sequence = ++instance.ExecutionSequence,
            ActivityId = node.Id,
            ActivityType = node.Descriptor.Type,
            Stage = instance.CurrentStage,
            Status = ExecutionStatus.Running,
            StartedAt = now,
        };
        JsonObject evaluated;
        try
        {
            evaluated = node.Descriptor.Inputs.Count == 0 ? [] : inputs.Evaluate(instance, node);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var failed = new ActivityExecutionContext(instance, node.Node, node.Descriptor, record, [], run.Services, run.CancellationToken);
            failed.Fail(ex is ExpressionException ? ex.Message : $"Input evaluation failed: {ex.Message}", "EXPRESSION");
            Apply(run, node, failed, isNew: true);
            return;
        }
        record.Inputs = evaluated.Count == 0 ? null : evaluated;
        var context = new ActivityExecutionContext(instance, node.Node, node.Descriptor, record, evaluated, run.Services, run.CancellationToken);
        try
        {
            await node.Descriptor.Activity.ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (ExpressionException ex)
        {
            context.Fail(ex.Message, "EXPRESSION");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Fail($"{ex.GetType().Name}: {ex.Message}");
        }
        Apply(run, node, context, isNew: true);
    }

    private void Apply(WorkflowRun run, GraphNode node, ActivityExecutionContext context, bool isNew)
    {
        var record = context.Record;
        var instance = run.Instance;
        if (context.OutputValues is { } outputs) record.Outputs = outputs;
        (isNew ? run.Changes.AddedExecutions : run.Changes.UpdatedExecutions).Add(record);

        if (context.Fault is { } fault)
        {
            record.Status = ExecutionStatus.Faulted;
            record.Error = fault.Message;
            record.ErrorClass = fault.ErrorClass;
            record.CompletedAt = clock.GetUtcNow().UtcDateTime;
            FaultInstance(run, fault);
            return;
        }
        if (context.CreatedBookmark is { } bookmark)
        {
            record.Status = ExecutionStatus.Suspended;
            instance.Bookmarks.Add(bookmark);
            run.Changes.AddedBookmarks.Add(bookmark);
            if (bookmark.Dispatch != BookmarkDispatch.External) run.PendingDispatch.Add(bookmark);
            return;
        }

        var outcomes = context.Outcomes ?? [Activity.DoneOutcome];
        record.Status = ExecutionStatus.Completed;
        record.Outcomes = [.. outcomes];
        record.CompletedAt = clock.GetUtcNow().UtcDateTime;
        if (record.Outputs is { } values) instance.Outputs[node.Id] = values.DeepClone();
        if (context.FinishesWorkflow)
        {
            DropPendingWork(run);
            Complete(run);
            return;
        }
        Follow(run, node, outcomes);
    }

    private static void Follow(WorkflowRun run, GraphNode node, string[] outcomes)
    {
        foreach (var edge in node.Outbound)
        {
            var fired = Array.IndexOf(outcomes, edge.Port) >= 0;
            if (edge.IsBackEdge)
            {
                if (fired) Reenter(run, edge.Target);
            }
            else Mark(run, edge, fired);
        }
    }

    private static void Mark(WorkflowRun run, GraphEdge edge, bool fired)
    {
        var scheduler = run.Instance.Scheduler;
        var target = edge.Target;
        if (target.Join == JoinMode.Race)
        {
            if (scheduler.ClosedRaces.Contains(target.Id)) return;
            if (fired)
            {
                scheduler.ClosedRaces.Add(target.Id);
                ClearInbound(scheduler, target);
                CancelBranchesInto(run, target);
                Schedule(scheduler, target);
                return;
            }
        }

        scheduler.Connections[edge.Index] = fired;
        var anyFired = false;
        foreach (var inbound in target.ForwardInbound)
        {
            if (!scheduler.Connections.TryGetValue(inbound.Index, out var state)) return; // a live branch has not arrived yet
            anyFired |= state;
        }
        ClearInbound(scheduler, target);
        if (anyFired) Schedule(scheduler, target);
        else
        {
            // Nothing can reach this activity any more: its own outbound branches are dead too.
            foreach (var outbound in target.Outbound)
            {
                if (!outbound.IsBackEdge) Mark(run, outbound, fired: false);
            }
        }
    }

    private static void Reenter(WorkflowRun run, GraphNode target)
    {
        var scheduler = run.Instance.Scheduler;
        // A new pass through the loop may race again.
        scheduler.ClosedRaces.RemoveWhere(id => id == target.Id || run.Graph.Nodes[id].Ancestors.Contains(target.Id));
        // Joins inside the loop must not wait again for branches from outside it that are done for good
        // (they arrived on an earlier pass); a branch still in flight outside the loop is still awaited.
        var pending = scheduler.Queue.Concat(run.Instance.Bookmarks.Select(b => b.ActivityId)).ToHashSet(StringComparer.Ordinal);
        foreach (var node in run.Graph.Nodes.Values)
        {
            if (node == target || node.Join != JoinMode.Merge || !InLoop(node, target)) continue;
            foreach (var inbound in node.ForwardInbound)
            {
                var source = inbound.Source;
                var settled = !InLoop(source, target) && !pending.Contains(source.Id) && !source.Ancestors.Any(pending.Contains);
                if (settled) scheduler.Connections.TryAdd(inbound.Index, false);
            }
        }
        ClearInbound(scheduler, target);
        Schedule(scheduler, target);
    }

    private static bool InLoop(GraphNode node, GraphNode loopTarget) => node == loopTarget || node.Ancestors.Contains(loopTarget.Id);

    private static void ClearInbound(SchedulerState scheduler, GraphNode target)
    {
        foreach (var inbound in target.ForwardInbound) scheduler.Connections.Remove(inbound.Index);
    }

    private static void Schedule(SchedulerState scheduler, GraphNode node)
    {
        if (!scheduler.Queue.Contains(node.Id)) scheduler.Queue.Add(node.Id);
    }

    // The race is won: work still pending upstream of it on other branches is cancelled.
    private static void CancelBranchesInto(WorkflowRun run, GraphNode target)
    {
        var instance = run.Instance;
        instance.Scheduler.Queue.RemoveAll(target.Ancestors.Contains);
        foreach (var bookmark in instance.Bookmarks.Where(b => target.Ancestors.Contains(b.ActivityId)).ToList())
        {
            RemoveBookmark(run, bookmark);
            run.Changes.CancelledExecutionIds.Add(bookmark.ExecutionId);
        }
    }

    private static void RemoveBookmark(WorkflowRun run, Bookmark bookmark)
    {
        run.Instance.Bookmarks.Remove(bookmark);
        run.PendingDispatch.Remove(bookmark);
        if (!run.Changes.AddedBookmarks.Remove(bookmark)) run.Changes.RemovedBookmarkIds.Add(bookmark.Id);
    }

    private static void DropPendingWork(WorkflowRun run)
    {
        run.Instance.Scheduler.Queue.Clear();
        foreach (var bookmark in run.Instance.Bookmarks.ToList())
        {
            RemoveBookmark(run, bookmark);
            run.Changes.CancelledExecutionIds.Add(bookmark.ExecutionId);
        }
    }

    private void Settle(WorkflowRun run)
    {
        var instance = run.Instance;
        if (instance.Status != WorkflowStatus.Running || instance.Scheduler.Queue.Count > 0) return;
        if (instance.Bookmarks.Count > 0) instance.Status = WorkflowStatus.Suspended;
        else if (WaitingJoin(run) is { } join)
            FaultInstance(run, new FaultInfo($"Activity '{join}' waits for branches that can no longer arrive; nothing else is left to run.", join));
        else Complete(run);
    }

    private static string? WaitingJoin(WorkflowRun run)
    {
        foreach (var index in run.Instance.Scheduler.Connections.Keys)
        {
            foreach (var edge in run.Graph.Edges)
            {
                if (edge.Index == index) return edge.Target.Id;
            }
        }
        return null;
    }

    private void Complete(WorkflowRun run)
    {
        var instance = run.Instance;
        instance.Status = WorkflowStatus.Finished;
        instance.FinishedAt = clock.GetUtcNow().UtcDateTime;
        EnterStage(run, WorkflowInstance.CompletedStage, null);
    }

    private void FaultInstance(WorkflowRun run, FaultInfo fault)
    {
        var instance = run.Instance;
        DropPendingWork(run);
        instance.Status = WorkflowStatus.Faulted;
        instance.Fault = fault;
        instance.FinishedAt = clock.GetUtcNow().UtcDateTime;
        EnterStage(run, WorkflowInstance.FailedStage, fault.Message);
    }

    private void EnterStage(WorkflowRun run, string stage, string? reason)
    {
        var instance = run.Instance;
        instance.CurrentStage = stage;
        instance.StageHistory.Add(new StageChange(stage, clock.GetUtcNow().UtcDateTime, reason));
        if (instance.StageHistory.Count > run.MaxHistory) instance.StageHistory.RemoveAt(0);
    }

    private async ValueTask CommitAsync(WorkflowRun run)
    {
        run.Instance.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        if (run.Commit is { } commit) await commit(run).ConfigureAwait(false);
        run.Changes.Clear();
        run.PendingDispatch.Clear();
    }
}
