using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Activities;
using P4Flow.Activities.Perforce.Conflicts;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Activities.Perforce;

/// <summary>What a check of a job in NEEDS_RESOLVE found.</summary>
public sealed record ContinueResult(bool ConflictsResolved, int RemainingConflicts, IReadOnlyList<P4Conflict> ConflictFiles);

/// <summary>Told when a person's Continue found conflicts still there (the watcher's own checks are not told).</summary>
public interface IResolveCheckObserver
{
    Task ConflictsRemainAsync(WorkflowInstance job, string checkedBy, ContinueResult result, CancellationToken cancellationToken);

    /// <summary>A person is looking at the parked job (its page in the Studio): they may be resolving it.</summary>
    void PersonAttending(string jobId)
    {
    }
}

/// <summary>
/// Moves a job out of NEEDS_RESOLVE once `resolve -n` in its workspace is clean. Shared by the Continue
/// button/API (checks at once) and the ResolveWatcher (checks every job periodically).
/// </summary>
public sealed class ResolveContinuation(IWorkflowStore store, WorkflowRuntime runtime, P4Client p4, IEnumerable<IResolveCheckObserver> observers)
{
    public const string Stage = "NEEDS_RESOLVE";
    /// <summary>Who the ResolveWatcher's checks are made by.</summary>
    public const string Watcher = "resolve-watcher";

    // One check or settlement of a job at a time: a check between p4 marking an edited file resolved and its text
    // reaching the workspace would otherwise see no conflicts and move the job on.
    private readonly InstanceLocks _jobs = new();

    /// <summary>Held while a person's settlement of a file changes the job's workspace (see <see cref="ConflictDesk"/>).</summary>
    public ValueTask<IAsyncDisposable> HoldAsync(string jobId, CancellationToken cancellationToken) => _jobs.AcquireAsync(jobId, cancellationToken);

    /// <summary>Who moved a job on, as its history keeps it: the signed-in user and where they pressed Continue.</summary>
    public static string By(string? user, string via) => $"{(string.IsNullOrEmpty(user) ? "unknown user" : user)} ({via})";

    /// <summary>A person opened the parked job's page: the watcher checks it often again (see IResolveCheckObserver).</summary>
    public void Attending(string jobId)
    {
        foreach (var observer in observers) observer.PersonAttending(jobId);
    }

    /// <exception cref="WorkflowNotFoundException">No such job.</exception>
    /// <exception cref="WorkflowConflictException">The job is not in NEEDS_RESOLVE, or it failed now because its agent is lost.</exception>
    public async Task<ContinueResult> ContinueAsync(string jobId, string checkedBy, CancellationToken cancellationToken)
    {
        await using var held = await HoldAsync(jobId, cancellationToken).ConfigureAwait(false);
        return await ContinueHeldAsync(jobId, checkedBy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job, waiting in NEEDS_RESOLVE.</summary>
    /// <exception cref="WorkflowNotFoundException">No such job.</exception>
    /// <exception cref="WorkflowConflictException">The job is not in NEEDS_RESOLVE.</exception>
    public async Task<WorkflowInstance> ParkedAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await store.GetInstanceAsync(jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException($"Job {jobId} does not exist.");
        if (job.CurrentStage != Stage || job.Status != WorkflowStatus.Suspended)
            throw new WorkflowConflictException($"Job {jobId} is in stage {job.CurrentStage ?? "(none)"}, not {Stage}.");
        return job;
    }

    /// <summary>As <see cref="ContinueAsync"/>, for a caller that holds the job already (<see cref="HoldAsync"/>).</summary>
    public async Task<ContinueResult> ContinueHeldAsync(string jobId, string checkedBy, CancellationToken cancellationToken)
    {
        var job = await ParkedAsync(jobId, cancellationToken).ConfigureAwait(false);

        P4Output output;
        try
        {
            output = await p4.RunAsync(job, Stage, runtime.WaitsOf(jobId), ["resolve", "-n"], null, cancellationToken).ConfigureAwait(false);
        }
        catch (ActivityInputException ex)
        {
            throw new WorkflowConflictException($"Could not check job {jobId}: {ex.Message}");
        }
        catch (P4CircuitOpenException ex)
        {
            // The server is down for now, the workspace is fine: the job keeps waiting and can be checked later.
            throw new WorkflowConflictException($"Could not check job {jobId}: {ex.Message}");
        }
        catch (JobFailedException ex)
        {
            // The workspace (and the resolve done in it) is on an agent that is gone for good: the job cannot go on.
            await runtime.FailAsync(jobId, Stage, new FaultInfo(ex.Message, ErrorClass: ex.ErrorClass), cancellationToken).ConfigureAwait(false);
            throw new WorkflowConflictException($"Job {jobId} failed with {ex.ErrorClass}: {ex.Message}");
        }
        if (output.Failed)
            throw new WorkflowConflictException($"Could not check job {jobId}: p4 resolve -n failed ({P4ErrorClass.Classify(output)}): {output.Text}");
        var preview = P4Parsers.ResolvePreview(output);
        // A file p4 counts as resolved whose edited text never reached the workspace still holds the conflict markers.
        if (preview.Clean && Settlements.Unfinished(job) is { Count: > 0 } unwritten)
            preview = new ResolvePreview([.. unwritten.Select(f => new P4Conflict(f, null, Settlements.Settling))]);
        if (!preview.Clean)
        {
            var remaining = new ContinueResult(false, preview.Pending.Count, preview.Pending);
            if (checkedBy != Watcher)
                foreach (var observer in observers) await observer.ConflictsRemainAsync(job, checkedBy, remaining, cancellationToken).ConfigureAwait(false);
            return remaining;
        }

        try
        {
            await runtime.ResumeAsync(jobId, WaitForResolve.BookmarkName, new JsonObject { ["by"] = checkedBy }, Stage, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowConflictException)
        {
            // Another check (the watcher or a second click) moved it on first; the answer is the same.
        }
        return new ContinueResult(true, 0, []);
    }
}
