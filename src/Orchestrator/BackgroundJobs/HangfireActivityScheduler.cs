using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>The engine's background work as Hangfire background jobs: Hangfire's queues give priority, its scheduler fires timers.</summary>
public sealed class HangfireActivityScheduler(IBackgroundJobClient jobs, JobStorage storage) : IBackgroundActivityScheduler
{
    /// <summary>Rows asked of Hangfire's monitoring at a time, and how many of each list recovery reads at most.</summary>
    private const int Page = 500;
    private const int MaxPerList = 200_000;

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

    /// <summary>
    /// The bookmarks of activity and timer work Hangfire still has: enqueued or fetched on any queue, scheduled (a
    /// timer, a retry's delay), or processing (a dead process's work comes back when its invisibility ends).
    /// </summary>
    public IReadOnlySet<string> HeldBookmarks()
    {
        var monitor = storage.GetMonitoringApi();
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var queue in monitor.Queues())
        {
            Read(from => monitor.EnqueuedJobs(queue.Name, from, Page).Select(j => j.Value?.Job));
            Read(from => monitor.FetchedJobs(queue.Name, from, Page).Select(j => j.Value?.Job));
        }
        Read(from => monitor.ScheduledJobs(from, Page).Select(j => j.Value?.Job));
        Read(from => monitor.ProcessingJobs(from, Page).Select(j => j.Value?.Job));
        return held;

        void Read(Func<int, IEnumerable<Job?>> page)
        {
            for (var from = 0; from < MaxPerList; from += Page)
            {
                var jobs = page(from).ToList();
                foreach (var job in jobs)
                {
                    if (job?.Type == typeof(ActivityBackgroundJobs) && job.Method.Name is nameof(ActivityBackgroundJobs.RunActivityJobAsync) or nameof(ActivityBackgroundJobs.FireTimerAsync)
                        && job.Args.Count >= 2 && job.Args[1] is string bookmarkId)
                        held.Add(bookmarkId);
                }
                if (jobs.Count < Page) return;
            }
        }
    }

    internal static DateTime RoundUp(DateTime at)
    {
        var utc = at.ToUniversalTime();
        var whole = new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        return whole == utc ? whole : whole.AddSeconds(1);
    }
}
