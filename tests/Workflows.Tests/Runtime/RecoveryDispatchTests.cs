using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Workflows.Tests.Runtime;

/// <summary>
/// Recovery at start dispatches again only the bookmark work the scheduler does not hold: a durable scheduler's work
/// would otherwise run twice, and work a crash never handed to it would never run.
/// </summary>
public sealed class RecoveryDispatchTests
{
    [Theory]
    [InlineData(true, new[] { "timer-lost", "work-lost" })]
    [InlineData(false, new string[] { })]
    public async Task Recover_SchedulerHoldsSomeWork_DispatchesOnlyTheRest(bool redispatch, string[] expected)
    {
        var scheduler = new Recording(new HashSet<string>(["work-held", "timer-held"], StringComparer.Ordinal));
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddWorkflowEngine().AddMemoryWorkflowStore();
        services.RemoveAll<IBackgroundActivityScheduler>();
        services.AddSingleton<IBackgroundActivityScheduler>(scheduler);
        services.Configure<WorkflowEngineOptions>(o => o.RedispatchOnRecovery = redispatch);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IWorkflowStore>();
        await store.InitializeAsync(CancellationToken.None);
        var job = new WorkflowInstance
        {
            Id = "0123456789abcdef0123456789abcdef", DefinitionId = "any", DefinitionVersion = 1, Status = WorkflowStatus.Suspended,
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        job.Scheduler.Runs["start"] = 1;
        foreach (var (id, dispatch) in new[] { ("work-held", BookmarkDispatch.Job), ("work-lost", BookmarkDispatch.Job), ("timer-held", BookmarkDispatch.Timer), ("timer-lost", BookmarkDispatch.Timer), ("person", BookmarkDispatch.External) })
            job.Bookmarks.Add(new Bookmark { Id = id, InstanceId = job.Id, Name = id, Dispatch = dispatch, ResumeAt = DateTime.UtcNow.AddMinutes(1) });
        await store.CreateInstanceAsync(job, CancellationToken.None);

        await provider.GetRequiredService<WorkflowRuntime>().RecoverAsync(CancellationToken.None);

        Assert.Equal(expected, scheduler.Dispatched.Order(StringComparer.Ordinal));
    }

    private sealed class Recording(IReadOnlySet<string> held) : IBackgroundActivityScheduler
    {
        public List<string> Dispatched { get; } = [];

        public void ScheduleRun(string instanceId, string queue)
        {
        }

        public void ScheduleBookmark(Bookmark bookmark, string queue) => Dispatched.Add(bookmark.Id);

        public IReadOnlySet<string> HeldBookmarks() => held;
    }
}
