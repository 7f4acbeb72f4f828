using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// The engine's one port to background work: the host plugs in a scheduler (Hangfire in the orchestrator, an in-process
/// one by default and in the engine's tests). Every scheduled item ends in a call to <see cref="BackgroundActivityInvoker"/>.
/// </summary>
/// <remarks>
/// A scheduler honours three promises: work on a <paramref name="queue"/> named "high" is picked before "default" and
/// "low" when workers are short; a timer bookmark is never fired before its <see cref="Bookmark.ResumeAt"/> on the
/// scheduler's own clock (firing a little late is fine, the invoker also checks); and when
/// <see cref="BackgroundActivityInvoker.RunJobAsync"/> answers with a retry, the scheduler runs the same job work again
/// after the retry's delay, passing the retries made so far.
/// </remarks>
public interface IBackgroundActivityScheduler
{
    /// <summary>Advance the job now: <see cref="BackgroundActivityInvoker.RunAsync"/>.</summary>
    void ScheduleRun(string instanceId, string queue);

    /// <summary>
    /// Run a Job bookmark's work now (<see cref="BackgroundActivityInvoker.RunJobAsync"/>) or fire a Timer bookmark at
    /// its due time (<see cref="BackgroundActivityInvoker.FireTimerAsync"/>); External bookmarks wait for a person.
    /// </summary>
    void ScheduleBookmark(Bookmark bookmark, string queue);

    /// <summary>
    /// The ids of the bookmarks whose work this scheduler still holds (queued, scheduled or running, a dead process's
    /// included), read once at recovery: the engine dispatches the other Job and Timer bookmarks again. A scheduler
    /// that forgets everything at exit holds none.
    /// </summary>
    IReadOnlySet<string> HeldBookmarks() => new HashSet<string>(StringComparer.Ordinal);
}
