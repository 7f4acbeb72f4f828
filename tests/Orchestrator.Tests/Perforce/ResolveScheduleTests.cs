using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using P4Flow.Activities.Perforce;
using P4Flow.Orchestrator.BackgroundJobs;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>The resolve watcher's back-off: parked long and untouched, checked less often; a person's sign, often again.</summary>
public sealed class ResolveScheduleTests
{
    private static readonly DateTime ParkedAt = new(2026, 12, 5, 8, 0, 0, DateTimeKind.Utc);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(ParkedAt));
    private readonly ResolveSchedule _schedule;

    public ResolveScheduleTests() => _schedule = new ResolveSchedule(Options.Create(new StateManagementOptions
    {
        ResolveCheckInterval = 30,
        ResolveCheckBackoffAfter = 3600,
        ResolveCheckMaxInterval = 600,
        ResolveCheckUnusedInterval = 3600,
    }), _clock);

    [Theory]
    [InlineData(0, 30)]
    [InlineData(59, 30)]      // the first hour: every pass, so a resolved job moves on within the short interval
    [InlineData(61, 60)]
    [InlineData(121, 120)]
    [InlineData(181, 240)]
    [InlineData(241, 480)]
    [InlineData(301, 600)]    // the ceiling
    [InlineData(60 * 24 * 7, 600)]
    public void Interval_QuietFor_DoublesEachHourAfterTheFirstUpToTheCeiling(int minutes, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ResolveSchedule.Interval(TimeSpan.FromMinutes(minutes), TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), TimeSpan.FromMinutes(10)));

    [Fact]
    public void Due_ParkedForHours_SkippedUntilItsIntervalThenChecked()
    {
        var job = Parked();
        _clock.Advance(TimeSpan.FromHours(6));
        Assert.True(_schedule.Due(job), "never checked: due at once");
        _schedule.Checked(job.Id);

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False(_schedule.Due(job), "six hours quiet: not at the next pass");
        _clock.Advance(TimeSpan.FromSeconds(570));
        Assert.True(_schedule.Due(job), "ten minutes on: due");
    }

    [Fact]
    public async Task Due_PersonContinuesWithConflictsLeft_BackToTheShortInterval()
    {
        var job = Parked();
        _clock.Advance(TimeSpan.FromHours(6));
        _schedule.Checked(job.Id);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False(_schedule.Due(job));

        await _schedule.ConflictsRemainAsync(job, "alice (studio)", new ContinueResult(false, 1, []), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.True(_schedule.Due(job), "someone is working on it: checked every pass again");
    }

    [Fact]
    public void Due_Acknowledged_BackToTheShortInterval()
    {
        var job = Parked();
        _clock.Advance(TimeSpan.FromHours(6));
        _schedule.Checked(job.Id);
        job.Outputs[P4Flow.Notifications.Acknowledgements.OutputKey] = new System.Text.Json.Nodes.JsonObject
        {
            ["by"] = "bob", ["at"] = _clock.GetUtcNow().UtcDateTime, ["parkedAt"] = ParkedAt,
        };
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.True(_schedule.Due(job));
    }

    [Fact]
    public void Due_QuietAndItsWorkspaceUnused_CheckedOnlyEveryUnusedInterval()
    {
        var job = Parked();
        _clock.Advance(TimeSpan.FromHours(6));
        Assert.True(_schedule.Quiet(job));
        _schedule.Looked(job.Id, 1000);
        Assert.True(_schedule.Due(job, looked: true), "never checked since the start: due at once");
        _schedule.Checked(job.Id);

        // The next look shows what the watcher's own check may have moved: taken as the workspace's state, not a use.
        _clock.Advance(TimeSpan.FromSeconds(30));
        _schedule.Looked(job.Id, 1030);
        Assert.False(_schedule.Due(job, looked: true));
        _clock.Advance(TimeSpan.FromMinutes(30));
        _schedule.Looked(job.Id, 1030);
        Assert.False(_schedule.Due(job, looked: true), "nobody used the workspace: past the 10-minute ceiling, still not due");
        Assert.True(_schedule.Due(job, looked: false), "no look this pass (the listing failed): the back-off schedule holds");

        _clock.Advance(TimeSpan.FromMinutes(30));
        _schedule.Looked(job.Id, 1030);
        Assert.True(_schedule.Due(job, looked: true), "an hour since the last check: checked anyway");
    }

    [Fact]
    public void Looked_WorkspaceUsedSinceTheLastLook_JobBackToTheShortInterval()
    {
        var job = Parked();
        _clock.Advance(TimeSpan.FromHours(6));
        _schedule.Looked(job.Id, 1000);
        _schedule.Checked(job.Id);
        _clock.Advance(TimeSpan.FromSeconds(30));
        _schedule.Looked(job.Id, 1000);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False(_schedule.Due(job, looked: true));

        _clock.Advance(TimeSpan.FromSeconds(30));
        _schedule.Looked(job.Id, 5000);

        Assert.False(_schedule.Quiet(job), "someone resolving in the workspace is attention");
        Assert.True(_schedule.Due(job, looked: true), "checked in this very pass");
        _schedule.Checked(job.Id);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(_schedule.Due(job), "and every pass after it for the next hour");
    }

    [Fact]
    public async Task AgentSlotAsync_ChecksPerAgentBounded_AnotherAgentNotHeldUp()
    {
        using var bounded = new ResolveSchedule(Options.Create(new StateManagementOptions { ResolveChecksPerAgent = 2 }), TimeProvider.System);
        var first = await bounded.AgentSlotAsync("builder-1", CancellationToken.None);
        using var second = await bounded.AgentSlotAsync("builder-1", CancellationToken.None);

        var third = bounded.AgentSlotAsync("builder-1", CancellationToken.None);
        using var elsewhere = await bounded.AgentSlotAsync("builder-2", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(third.IsCompleted, "a third check on builder-1 waits while two run");

        first.Dispose();
        first.Dispose(); // a second dispose frees nothing more
        using var thirdSlot = await third.WaitAsync(TimeSpan.FromSeconds(30));
        var fourth = bounded.AgentSlotAsync("builder-1", CancellationToken.None);
        Assert.False(fourth.IsCompleted, "two run again (the second and the third): the fourth waits");
        second.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    [Fact]
    public void KeepOnly_JobMovedOn_Forgotten()
    {
        var job = Parked();
        _schedule.Checked(job.Id);
        Assert.False(_schedule.Due(job));

        _schedule.KeepOnly(new HashSet<string>());

        Assert.True(_schedule.Due(job), "forgotten: a job parked again is checked at once");
    }

    [Fact]
    public async Task PaceAsync_ManyChecksOfOneServer_SpreadAtTheRateAnotherServerNotHeldUp()
    {
        using var paced = new ResolveSchedule(Options.Create(new StateManagementOptions { ResolveChecksPerSecond = 10 }), TimeProvider.System);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        for (var i = 0; i < 11; i++) (await paced.PaceAsync("main", CancellationToken.None)).Dispose();
        var eleven = clock.Elapsed;
        clock.Restart();
        (await paced.PaceAsync("other", CancellationToken.None)).Dispose();

        // Ten slots after the first at 10 a second: a second at least (a busy machine only makes it longer).
        Assert.True(eleven >= TimeSpan.FromSeconds(0.9), $"11 checks of one server took {eleven.TotalSeconds:0.00} s");
        Assert.True(clock.Elapsed < eleven, "another server has its own pace");
    }

    private static WorkflowInstance Parked()
    {
        var job = new WorkflowInstance
        {
            Id = Guid.NewGuid().ToString("N"),
            DefinitionId = "p4-integrate",
            Status = WorkflowStatus.Suspended,
            CurrentStage = ResolveContinuation.Stage,
            CreatedAt = ParkedAt,
            UpdatedAt = ParkedAt,
        };
        job.StageHistory.Add(new StageChange(ResolveContinuation.Stage, ParkedAt));
        return job;
    }
}
