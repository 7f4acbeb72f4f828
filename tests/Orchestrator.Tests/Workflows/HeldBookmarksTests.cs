using Hangfire;
using Hangfire.InMemory;
using P4Flow.Orchestrator.BackgroundJobs;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Tests.Workflows;

/// <summary>What recovery asks Hangfire: the bookmarks whose activity or timer work it still has, queued or scheduled.</summary>
public sealed class HeldBookmarksTests
{
    [Fact]
    public void HeldBookmarks_QueuedWorkAndATimer_NamesBoth_NotOtherJobs()
    {
        using var storage = new InMemoryStorage();
        var scheduler = new HangfireActivityScheduler(new BackgroundJobClient(storage), storage);
        scheduler.ScheduleBookmark(new Bookmark { Id = "work", InstanceId = "job-1", Dispatch = BookmarkDispatch.Job }, "default");
        scheduler.ScheduleBookmark(new Bookmark { Id = "timer", InstanceId = "job-1", Dispatch = BookmarkDispatch.Timer, ResumeAt = DateTime.UtcNow.AddHours(1) }, "low");
        scheduler.ScheduleBookmark(new Bookmark { Id = "person", InstanceId = "job-1", Dispatch = BookmarkDispatch.External }, "default");
        scheduler.ScheduleRun("job-2", "high");

        Assert.Equal(["timer", "work"], scheduler.HeldBookmarks().Order(StringComparer.Ordinal));
    }
}
