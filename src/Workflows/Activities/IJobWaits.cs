namespace P4Flow.Workflows.Activities;

/// <summary>
/// A job's narrow door to its own stage: background work held up by something outside the workflow (no agent free to
/// run it) says so, and the job shows a waiting stage while it lasts. The workflow runtime makes the change, as it
/// makes every other; the work never sets a stage itself.
/// </summary>
public interface IJobWaits
{
    /// <summary>Moves the job from its current stage into <paramref name="waitStage"/>.</summary>
    /// <returns>The stage it left, to return to; null when it was not moved (it has ended, has no stage, or waits already).</returns>
    Task<string?> EnterAsync(string waitStage, string reason, CancellationToken cancellationToken);

    /// <summary>Moves the job back from <paramref name="waitStage"/> to <paramref name="backTo"/>; nothing when it has left that stage meanwhile.</summary>
    Task LeaveAsync(string waitStage, string backTo, string reason, CancellationToken cancellationToken);
}
