using System.Text.Json.Nodes;
using P4Flow.Workflows.Outbox;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Notifications.Tests;

public sealed class RemindersTests
{
    [Theory]
    [InlineData(9 * 60, 0)]
    [InlineData(10 * 60, 1)]
    [InlineData(29 * 60, 2)]
    [InlineData(30 * 60, 3)]
    [InlineData(60 * 60, 4)]
    [InlineData(119 * 60, 4)]
    [InlineData(120 * 60, 5)]
    [InlineData(180 * 60, 6)]
    public void DueNumber_DefaultSchedule_10_20_30_60MinutesThenHourly(int seconds, int expected) =>
        Assert.Equal(expected, Reminders.DueNumber(new NotificationOptions(), TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void DueNumber_NoRepeat_StopsAfterTheLast() =>
        Assert.Equal(2, Reminders.DueNumber(new NotificationOptions { RemindersSetting = ["1m", "2m"], ReminderRepeat = "0" }, TimeSpan.FromHours(5)));

    private static NotificationHarness Harness() => new(new Dictionary<string, string?>
    {
        ["notifications:channels:log:type"] = "file",
        ["notifications:channels:log:path"] = Path.Combine(Path.GetTempPath(), $"p4flow-reminders-{Guid.NewGuid():N}.jsonl"),
        ["notifications:events:reminder:0"] = "log",
    });

    private static async Task<WorkflowInstance> ParkAsync(NotificationHarness harness, string id)
    {
        var now = harness.Clock.GetUtcNow().UtcDateTime;
        var job = new WorkflowInstance
        {
            Id = id,
            DefinitionId = "p4-integrate",
            Status = WorkflowStatus.Suspended,
            CurrentStage = "NEEDS_RESOLVE",
            Input = new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/..." },
            Variables = new JsonObject { ["conflicts"] = new JsonArray(new JsonObject { ["file"] = "//depot/rel/a.c", ["reason"] = "conflict" }) },
            StageHistory = [new StageChange("SYNC", now.AddMinutes(-1)), new StageChange("NEEDS_RESOLVE", now)],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await harness.Store.CreateInstanceAsync(job, CancellationToken.None);
        return job;
    }

    private static async Task<List<OutboxMessage>> RemindersOfAsync(NotificationHarness harness, string jobId) =>
        [.. (await harness.Outbox.QueryOutboxAsync(new OutboxQuery(JobId: jobId, Topic: Topics.Reminder), CancellationToken.None)).Items];

    [Fact]
    public async Task Run_AsTimePasses_OneReminderPerStepOfTheSchedule()
    {
        using var harness = Harness();
        var reminders = harness.Get<Reminders>();
        await ParkAsync(harness, "job-1");

        harness.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await reminders.RunAsync(CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await reminders.RunAsync(CancellationToken.None));
        // The same pass again, or a second node's, sends nothing more.
        Assert.Equal(0, await reminders.RunAsync(CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await reminders.RunAsync(CancellationToken.None));

        var sent = await RemindersOfAsync(harness, "job-1");
        Assert.Equal([1, 2], sent.Select(m => m.Payload["reminder"]!.GetValue<int>()).Order());
        Assert.Equal("[P4Flow] Reminder 2: 1 conflict still to resolve: //depot/main/... -> //depot/rel/... (job job-1)", MessageText.Render(sent.OrderBy(m => m.Payload["reminder"]!.GetValue<int>()).Last()).Subject);
    }

    [Fact]
    public async Task Run_AfterAnOutage_OnlyTheLatestIsSent()
    {
        using var harness = Harness();
        await ParkAsync(harness, "job-1");
        harness.Clock.Advance(TimeSpan.FromMinutes(65));

        Assert.Equal(1, await harness.Get<Reminders>().RunAsync(CancellationToken.None));

        Assert.Equal(4, Assert.Single(await RemindersOfAsync(harness, "job-1")).Payload["reminder"]!.GetValue<int>());
    }

    [Fact]
    public async Task Run_Acknowledged_NoMoreReminders()
    {
        using var harness = Harness();
        var job = await ParkAsync(harness, "job-1");
        var stored = (await harness.Store.GetInstanceAsync("job-1", CancellationToken.None))!;
        stored.Outputs[Acknowledgements.OutputKey] = new JsonObject { ["by"] = "bob", ["at"] = harness.Clock.GetUtcNow().UtcDateTime, ["parkedAt"] = job.StageHistory[^1].EnteredAt };
        await harness.Store.CommitAsync(stored, new StepChanges(), CancellationToken.None);

        harness.Clock.Advance(TimeSpan.FromHours(3));

        Assert.Equal(0, await harness.Get<Reminders>().RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Run_AcknowledgedForAnEarlierParking_StillReminds()
    {
        using var harness = Harness();
        await ParkAsync(harness, "job-1");
        var stored = (await harness.Store.GetInstanceAsync("job-1", CancellationToken.None))!;
        stored.Outputs[Acknowledgements.OutputKey] = new JsonObject { ["by"] = "bob", ["at"] = harness.Clock.GetUtcNow().UtcDateTime, ["parkedAt"] = harness.Clock.GetUtcNow().UtcDateTime.AddHours(-5) };
        await harness.Store.CommitAsync(stored, new StepChanges(), CancellationToken.None);

        harness.Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, await harness.Get<Reminders>().RunAsync(CancellationToken.None));
    }
}

public sealed class JobEventsTests
{
    private static NotificationHarness Harness() => new(new Dictionary<string, string?>
    {
        ["notifications:public_url"] = "https://p4flow.example.com/",
        ["notifications:channels:log:type"] = "file",
        ["notifications:channels:log:path"] = "unused.jsonl",
        ["notifications:events:needs_resolve:0"] = "log",
        ["notifications:events:failed:0"] = "log",
        ["notifications:branches://depot/rel:0"] = "rel@example.com",
        ["notifications:branches://depot/main -> //depot/rel:0"] = "main-to-rel@example.com",
        ["notifications:branches://depot/other:0"] = "other@example.com",
    });

    private static WorkflowInstance Job(WorkflowStatus status, string stage, DateTime at) => new()
    {
        Id = "job-7",
        DefinitionId = "p4-integrate",
        Status = status,
        CurrentStage = stage,
        StartedBy = "alice",
        Input = new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["changes"] = "40,42" },
        Outputs = new JsonObject { ["integrate"] = new JsonObject { ["sourceChanges"] = new JsonArray(new JsonObject { ["change"] = 41, ["user"] = "bob" }, new JsonObject { ["change"] = 42, ["user"] = "carol" }) } },
        Variables = new JsonObject { ["conflicts"] = new JsonArray(new JsonObject { ["file"] = "//depot/rel/a.c", ["reason"] = "conflict" }) },
        StageHistory = [new StageChange("RESOLVE_PASS_2", at.AddSeconds(-1)), new StageChange(stage, at)],
    };

    [Fact]
    public void Collect_EnteringNeedsResolve_OneMessageWithOwnersBranchAddressesAndLink()
    {
        using var harness = Harness();
        var events = harness.Get<IEnumerable<IWorkflowEventSource>>().Single();
        var at = new DateTime(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);
        var changes = new StepChanges();

        events.Collect(Job(WorkflowStatus.Suspended, "NEEDS_RESOLVE", at), new JobSnapshot(WorkflowStatus.Running, "RESOLVE_PASS_2", at), changes);

        var message = Assert.Single(changes.Outbox);
        Assert.Equal(Topics.NeedsResolve, message.Topic);
        Assert.Equal("job-7", message.JobId);
        Assert.Equal(["bob", "carol"], message.Payload["owners"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal(["main-to-rel@example.com", "rel@example.com"], message.Payload["addresses"]!.AsArray().Select(o => o!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("https://p4flow.example.com/jobs/job-7", message.Payload["job"]!["url"]!.GetValue<string>());
        Assert.Equal("alice", message.Payload["job"]!["startedBy"]!.GetValue<string>());
        Assert.Equal(1, message.Payload["conflictCount"]!.GetValue<int>());

        // Still parked at the next step: no second message.
        var later = new StepChanges();
        events.Collect(Job(WorkflowStatus.Suspended, "NEEDS_RESOLVE", at), new JobSnapshot(WorkflowStatus.Suspended, "NEEDS_RESOLVE", at), later);
        Assert.Empty(later.Outbox);
    }

    [Fact]
    public void Collect_Failed_NamesTheStageItFailedInAndTheErrorClass()
    {
        using var harness = Harness();
        var events = harness.Get<IEnumerable<IWorkflowEventSource>>().Single();
        var at = DateTime.UtcNow;
        var job = Job(WorkflowStatus.Faulted, "FAILED", at);
        job.StageHistory = [new StageChange("INTEGRATE", at.AddSeconds(-3)), new StageChange("FAILED", at)];
        job.Fault = new FaultInfo("p4 integrate failed: //depot/main/... - no such file(s).", "integrate", "P4_NO_FILES");
        var changes = new StepChanges();

        events.Collect(job, new JobSnapshot(WorkflowStatus.Running, "INTEGRATE", at), changes);

        var message = Assert.Single(changes.Outbox);
        var text = MessageText.Render(message);
        Assert.Equal("[P4Flow] Job job-7 failed in INTEGRATE: P4_NO_FILES: //depot/main/... -> //depot/rel/...", text.Subject);
        Assert.Contains("p4 integrate failed: //depot/main/... - no such file(s).", text.Body, StringComparison.Ordinal);
        Assert.Null(message.Payload["conflicts"]);
    }

    [Fact]
    public void Collect_CompletedNotRouted_NothingWritten()
    {
        using var harness = Harness();
        var events = harness.Get<IEnumerable<IWorkflowEventSource>>().Single();
        var changes = new StepChanges();
        events.Collect(Job(WorkflowStatus.Finished, "COMPLETED", DateTime.UtcNow), new JobSnapshot(WorkflowStatus.Running, "P4PUSH", DateTime.UtcNow), changes);
        Assert.Empty(changes.Outbox);
    }
}
