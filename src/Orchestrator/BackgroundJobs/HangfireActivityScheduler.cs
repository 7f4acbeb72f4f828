using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>The engine's background work as Hangfire background jobs: Hangfire's queues give priority, its scheduler fires timers.</summary>
public sealed class HangfireActivityScheduler(IBackgroundJobClient jobs) : IBackgroundActivityScheduler
{
    public void ScheduleRun(string instanceId, string queue) =>
        jobs.Create(Job.FromExpression<ActivityBackgroundJobs>(j => j.RunAsync(instanceId, CancellationToken.None)), new EnqueuedState(queue));

    /// <remarks>A job activity's background job carries its queue, so a scheduled retry goes back to the same priority.</remarks>
    public void ScheduleBookmark(Bookmark bookmark, string queue)
    {
        ArgumentNullException.ThrowIfNull(bookmark);
        var instanceId = bookmark.InstanceId;
        var bookmarkId = bookmark.Id;
        switch (bookmark.Dispatch)
        {
            case BookmarkDispatch.Job:
                jobs.Create(Job.FromExpression<ActivityBackgroundJobs>(j => j.RunActivityJobAsync(instanceId, bookmarkId, null, CancellationToken.None), queue), new EnqueuedState(queue));
                break;
            case BookmarkDispatch.Timer:
                // Hangfire keeps whole seconds, rounded down: round up so a timer never fires early.
                var at = RoundUp(bookmark.ResumeAt ?? DateTime.UtcNow);
                jobs.Create(Job.FromExpression<ActivityBackgroundJobs>(j => j.FireTimerAsync(instanceId, bookmarkId, CancellationToken.None)), new ScheduledState(at.ToUniversalTime()));
                break;
            case BookmarkDispatch.External:
            default:
                break;
        }
    }

    internal static DateTime RoundUp(DateTime at)
    {
        var utc = at.ToUniversalTime();
        var whole = new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        return whole == utc ? whole : whole.AddSeconds(1);
    }
}
