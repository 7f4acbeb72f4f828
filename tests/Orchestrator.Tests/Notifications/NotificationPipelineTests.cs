using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using P4Flow.Notifications.Channels;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Notifications;

/// <summary>
/// Notifications end to end: a real orchestrator whose integration conflicts tells the person who started it and the
/// owner of the change by mail (a real SMTP server) and a signed webhook (a real HTTP receiver); reminders stop when
/// someone acknowledges; a dead mail server never holds up a job; nothing is lost or sent twice when the orchestrator
/// is killed mid-delivery; Alertmanager's webhook is taken.
/// </summary>
public sealed class NotificationPipelineTests
{
    private static string Key(ReceivedCall call) => call.Header(WebhookSignature.IdempotencyHeader) ?? "";

    private static JsonNode Body(ReceivedCall call) => JsonNode.Parse(call.Text)!;

    [Fact]
    public async Task NeedsResolve_MailToStarterAndOwnerAndSignedWebhook_RemindersStopWhenAcknowledged()
    {
        await using var fixture = await NotifyingOrchestrator.StartAsync(smtpUp: true,
            ("P4FLOW_notifications__events__needs_resolve__0", "mail"),
            ("P4FLOW_notifications__events__needs_resolve__1", "hook"),
            ("P4FLOW_notifications__events__reminder__0", "hook"),
            ("P4FLOW_notifications__events__continue_conflicts__0", "hook"),
            ("P4FLOW_notifications__reminders__0", "2s"),
            ("P4FLOW_notifications__reminders__1", "4s"),
            ("P4FLOW_notifications__reminders__2", "6s"),
            ("P4FLOW_notifications__reminder_repeat", "0"),
            ("P4FLOW_notifications__reminder_check_interval", "1"));
        var first = await fixture.StartJobAsync();
        await fixture.WaitParkedAsync(first);

        // The mail: to the starter (notifications.people) and the owner (Email of dev's Perforce user spec).
        var mail = await Eventually.Until(() => Task.FromResult(fixture.Smtp.Mails), m => m.Count > 0, TimeSpan.FromSeconds(120), "the NEEDS_RESOLVE mail");
        var sent = Assert.Single(mail);
        Assert.Equal([NotifyingOrchestrator.StarterEmail, NotifyingOrchestrator.OwnerEmail], sent.Envelope.Order(StringComparer.Ordinal));
        Assert.Equal($"[P4Flow] 1 conflict to resolve: //depot/main/... -> //depot/rel/... (job {first})", sent.Subject);
        Assert.Contains("a.txt (conflict) from //depot/main/a.txt", sent.Body, StringComparison.Ordinal);
        Assert.Contains($"Open the job: http://127.0.0.1:{fixture.Port}/jobs/{first}", sent.Body, StringComparison.Ordinal);
        Assert.Contains("Started by: bootstrap-admin", sent.Body, StringComparison.Ordinal);
        Assert.Contains(" by dev: ", sent.Body, StringComparison.Ordinal);

        // The webhook: signed over its timestamp and body with the channel's secret.
        var parked = await Eventually.Until(() => Task.FromResult(fixture.Sink.Calls.Where(c => Body(c).Str("event") == "needs_resolve").ToList()),
            c => c.Count > 0, TimeSpan.FromSeconds(60), "the NEEDS_RESOLVE webhook call");
        var call = Assert.Single(parked);
        Assert.Null(WebhookSignature.Problem(NotifyingOrchestrator.HookSecret, call.Header(WebhookSignature.TimestampHeader),
            call.Header(WebhookSignature.SignatureHeader), call.Body, DateTimeOffset.UtcNow));
        Assert.Equal(first, Body(call)["job"]!.Str("id"));
        Assert.Equal(1, Body(call)["conflictCount"]!.GetValue<int>());
        Assert.Equal(["dev"], Body(call)["owners"]!.AsArray().Select(o => o!.GetValue<string>()));

        // The first reminder, then someone takes the job: it says who and when, and its reminders stop.
        await Eventually.Until(() => Task.FromResult(ReminderCalls(fixture, first)), r => r.Count > 0, TimeSpan.FromSeconds(120), "the first reminder");
        using var acknowledged = await fixture.Client.PostJsonAsync($"/api/jobs/{first}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        var ack = (await acknowledged.ReadJsonAsync())["acknowledged"]!;
        Assert.Equal("bootstrap-admin", ack.Str("by"));
        var ackAt = ack["at"]!.GetValue<DateTime>();

        // A second job parks after the acknowledgement; once its third reminder is out, every reminder pass that could
        // have reminded about the first job has run.
        var second = await fixture.StartJobAsync();
        await fixture.WaitParkedAsync(second);
        await Eventually.Until(() => Task.FromResult(ReminderCalls(fixture, second)), r => r.Count >= 3, TimeSpan.FromSeconds(120), "the second job's three reminders");
        var firstReminders = await fixture.NotificationsAsync($"jobId={first}&event=reminder");
        Assert.NotEmpty(firstReminders);
        Assert.All(firstReminders, r => Assert.True(r!["createdAt"]!.GetValue<DateTime>() <= ackAt, $"a reminder after the acknowledgement: {r.ToJsonString()}"));
        Assert.Equal([1, 2, 3], ReminderCalls(fixture, second).Select(c => Body(c)["reminder"]!.GetValue<int>()).Order());

        // A Continue that finds the conflict still there says so.
        using var continued = await fixture.Client.PostJsonAsync($"/api/jobs/{first}/continue", null);
        Assert.Equal(HttpStatusCode.OK, continued.StatusCode);
        var still = await Eventually.Until(() => Task.FromResult(fixture.Sink.Calls.Where(c => Body(c).Str("event") == "continue_conflicts").ToList()),
            c => c.Count > 0, TimeSpan.FromSeconds(60), "the Continue-found-conflicts webhook call");
        Assert.Equal("bootstrap-admin (api)", Body(Assert.Single(still)).Str("continuedBy"));

        // What was sent to whom, through the API; and counted.
        var listed = await fixture.NotificationsAsync($"jobId={first}&event=needs_resolve");
        Assert.Equal(["hook", "mail"], listed.Select(n => n!.Str("channel")).Order(StringComparer.Ordinal));
        var mailed = listed.Single(n => n!.Str("channel") == "mail")!;
        Assert.Equal("Sent", mailed.Str("status"));
        Assert.Equal([NotifyingOrchestrator.StarterEmail, NotifyingOrchestrator.OwnerEmail], mailed["recipients"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        using var metrics = new HttpClient();
        var scraped = await metrics.GetStringAsync($"http://127.0.0.1:{fixture.MetricsPort}/metrics");
        Assert.Contains("p4_notifications_total{channel=\"mail\",result=\"sent\"}", scraped, StringComparison.Ordinal);
    }

    private static List<ReceivedCall> ReminderCalls(NotifyingOrchestrator fixture, string jobId) =>
        [.. fixture.Sink.Calls.Where(c => Body(c).Str("event") == "reminder" && Body(c)["job"]!.Str("id") == jobId)];

    [Fact]
    public async Task MailServerDown_JobParksOnTime_MailRetriedAndSentOnceWhenItIsBack()
    {
        await using var fixture = await NotifyingOrchestrator.StartAsync(smtpUp: false,
            ("P4FLOW_notifications__events__needs_resolve__0", "mail"));
        var jobId = await fixture.StartJobAsync();
        await fixture.WaitParkedAsync(jobId);

        // The job did not wait for the mail: it is parked while the message fails and waits for its next try.
        var failing = await Eventually.Until(() => fixture.NotificationsAsync($"jobId={jobId}"),
            n => n.Count == 1 && n[0]!["attempts"]!.AsArray().Count >= 2, TimeSpan.FromSeconds(120), "two failed attempts");
        Assert.Equal("Pending", failing[0]!.Str("status"));
        Assert.All(failing[0]!["attempts"]!.AsArray(), a => Assert.False(string.IsNullOrEmpty(a!.Str("error"))));

        await fixture.Smtp.StartAsync();
        var sent = await Eventually.Until(() => fixture.NotificationsAsync($"jobId={jobId}"),
            n => n.Count == 1 && n[0]!.Str("status") == "Sent", TimeSpan.FromSeconds(120), "the mail to go once the server is back");
        Assert.Null(sent[0]!["attempts"]!.AsArray()[^1]!["error"]);
        Assert.Single(fixture.Smtp.Mails);
        var job = await fixture.Client.GetJsonAsync($"/api/jobs/{jobId}");
        Assert.Equal("NEEDS_RESOLVE", job.Str("stage"));
    }

    [Fact]
    public async Task ReminderDueAfterACrash_SentByTheRestartedOrchestratorWhenDue_Once()
    {
        await using var fixture = await NotifyingOrchestrator.StartAsync(smtpUp: true,
            ("P4FLOW_notifications__events__reminder__0", "hook"),
            ("P4FLOW_notifications__reminders__0", "12s"),
            ("P4FLOW_notifications__reminder_repeat", "0"),
            ("P4FLOW_notifications__reminder_check_interval", "1"));
        var jobId = await fixture.StartJobAsync();
        var parked = await fixture.WaitParkedAsync(jobId);
        var parkedAt = parked["history"]!.AsArray().Last(h => h!.Str("stage") == "NEEDS_RESOLVE")!["enteredAt"]!.GetValue<DateTime>().ToUniversalTime();

        // Killed before the reminder is due; nothing of the process is left to remember it but the store.
        await fixture.Process.KillAsync();
        Assert.Empty(ReminderCalls(fixture, jobId));
        await fixture.RestartAsync();

        var reminders = await Eventually.Until(() => Task.FromResult(ReminderCalls(fixture, jobId)), r => r.Count > 0, TimeSpan.FromSeconds(120), "the reminder after the restart");
        var sentAt = (await fixture.NotificationsAsync($"jobId={jobId}&event=reminder")).Select(n => n!["createdAt"]!.GetValue<DateTime>().ToUniversalTime()).Single();
        Assert.True(sentAt >= parkedAt.AddSeconds(12), $"the reminder was raised at {sentAt:HH:mm:ss.fff}, before it was due ({parkedAt.AddSeconds(12):HH:mm:ss.fff})");
        Assert.Equal(1, Body(Assert.Single(reminders))["reminder"]!.GetValue<int>());
    }

    [Fact]
    public async Task OrchestratorKilledWhileTheWebhookCallIsInFlight_SentAgainUnderTheSameKeyAfterRestart_Once()
    {
        await using var fixture = await NotifyingOrchestrator.StartAsync(smtpUp: true,
            ("P4FLOW_notifications__events__needs_resolve__0", "hook"));
        // The receiver takes the call and does not answer: the orchestrator sent it but never learns it arrived.
        fixture.Sink.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var jobId = await fixture.StartJobAsync();
        await Eventually.Until(() => Task.FromResult(fixture.Sink.Calls.Count), n => n > 0, TimeSpan.FromSeconds(300), "the webhook call to arrive");
        await fixture.Process.KillAsync();
        fixture.Sink.Hold.SetResult();
        fixture.Sink.Hold = null;

        await fixture.RestartAsync();
        var listed = await Eventually.Until(() => fixture.NotificationsAsync($"jobId={jobId}"),
            n => n.Count == 1 && n[0]!.Str("status") == "Sent", TimeSpan.FromSeconds(180), "the message to be sent after the restart");

        // Sent again, under the same idempotency key: a receiver that honours it keeps one.
        var calls = fixture.Sink.Calls;
        Assert.Equal(2, calls.Count);
        Assert.Single(calls.Select(Key).Distinct());
        Assert.Equal(listed[0]!.Str("id"), Key(calls[0]));
        var job = await fixture.Client.GetJsonAsync($"/api/jobs/{jobId}");
        Assert.Equal("NEEDS_RESOLVE", job.Str("stage"));
    }

    [Fact]
    public async Task FailedJob_MailNamesTheStageTheErrorClassAndThePerforceText()
    {
        await using var fixture = await NotifyingOrchestrator.StartAsync(smtpUp: true,
            ("P4FLOW_notifications__events__failed__0", "mail"),
            ("P4FLOW_retries__NETWORK_ERROR__attempts", "0"));
        await fixture.Depot.InjectFaultsAsync(new JsonObject { ["kind"] = "unreachable", ["commands"] = new JsonArray("integrate") });
        var jobId = await fixture.StartJobAsync();
        await fixture.Client.WaitForJobAsync(jobId, j => j.Str("status") == "Faulted", "to fail", seconds: 300);

        var mail = Assert.Single(await Eventually.Until(() => Task.FromResult(fixture.Smtp.Mails), m => m.Count > 0, TimeSpan.FromSeconds(120), "the failure mail"));
        Assert.StartsWith($"[P4Flow] Job {jobId} failed in INTEGRATE: NETWORK_ERROR", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Error class: NETWORK_ERROR", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Stage: INTEGRATE", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Connect to server failed", mail.Body, StringComparison.Ordinal);
        // Only the starter: the failure came before any change was integrated, so there is no owner yet.
        Assert.Equal([NotifyingOrchestrator.StarterEmail], mail.Envelope);
    }

    [Fact]
    public async Task Alertmanager_WebhookBodyTakenOnce_MalformedOneRefusedNamingTheField()
    {
        await using var fixture = await NotifyingOrchestrator.StartAsync(smtpUp: true,
            ("P4FLOW_notifications__events__alert__0", "hook"));
        var body = new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = "{}:{alertname=\"P4ServerCircuitOpen\"}",
            ["status"] = "firing",
            ["receiver"] = "p4flow",
            ["groupLabels"] = new JsonObject { ["alertname"] = "P4ServerCircuitOpen" },
            ["commonLabels"] = new JsonObject { ["alertname"] = "P4ServerCircuitOpen", ["severity"] = "critical" },
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://127.0.0.1:9093",
            ["alerts"] = new JsonArray(new JsonObject
            {
                ["status"] = "firing",
                ["labels"] = new JsonObject { ["alertname"] = "P4ServerCircuitOpen", ["severity"] = "critical", ["instance"] = "127.0.0.1:9091" },
                ["annotations"] = new JsonObject { ["summary"] = "A Perforce server's circuit is open", ["description"] = "Commands to it fail at once." },
                ["startsAt"] = "2026-12-05T10:00:00.123456789Z",
                ["endsAt"] = "0001-01-01T00:00:00Z",
                ["generatorURL"] = "http://127.0.0.1:9090/graph",
                ["fingerprint"] = "a1b2c3d4e5f60718",
            }),
        };
        for (var i = 0; i < 2; i++)
        {
            // Alertmanager repeats a group: the second time it is not news.
            using var taken = await fixture.Client.PostJsonAsync("/api/alerts/alertmanager", body);
            Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
            Assert.Equal(i == 0 ? 1 : 0, (await taken.ReadJsonAsync())["added"]!.GetValue<int>());
        }
        var call = await Eventually.Until(() => Task.FromResult(fixture.Sink.Calls), c => c.Count > 0, TimeSpan.FromSeconds(60), "the alert webhook call");
        var told = Body(Assert.Single(call));
        Assert.Equal("alert", told.Str("event"));
        Assert.Equal("[P4Flow] Alert P4ServerCircuitOpen firing", told.Str("subject"));

        ((JsonObject)body["alerts"]![0]!["labels"]!).Remove("alertname");
        using var refused = await fixture.Client.PostJsonAsync("/api/alerts/alertmanager", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.ReadJsonAsync();
        Assert.NotNull(problem["errors"]!["alerts[0].labels.alertname"]);

        using var notJson = await fixture.Client.PostAsync("/api/alerts/alertmanager", new StringContent("{\"version\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.NotNull((await notJson.ReadJsonAsync())["errors"]!["body"]);
    }

    [Fact]
    public async Task BadNotificationsSetting_StartRefusedNamingTheKey()
    {
        var home = OrchestratorProcess.CreateHome();
        try
        {
            await using var orchestrator = OrchestratorProcess.Start(home, environment: new Dictionary<string, string>
            {
                ["P4FLOW_notifications__channels__mail__type"] = "email",
                ["P4FLOW_notifications__channels__mail__host"] = "127.0.0.1",
                ["P4FLOW_notifications__channels__mail__port"] = "25",
                ["P4FLOW_notifications__channels__mail__from"] = "p4flow@example.com",
                ["P4FLOW_notifications__events__needs_resolve__0"] = "pager",
            });
            var exit = await orchestrator.WaitForExitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(2, exit);
            Assert.Contains("notifications.events.needs_resolve names channel 'pager', which is not one of notifications.channels (mail).", orchestrator.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
