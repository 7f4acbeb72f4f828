using P4Flow.Notifications.Channels;
using P4Flow.TestSupport;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications.Tests;

/// <summary>Delivery to a real SMTP server and a real HTTP receiver on loopback.</summary>
public sealed class DeliveryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("p4flow-notify-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string SecretFile(string name, string value)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, value + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private Dictionary<string, string?> Mail(int port, string events = "needs_resolve") => new()
    {
        ["notifications:channels:mail:type"] = "email",
        ["notifications:channels:mail:host"] = "127.0.0.1",
        ["notifications:channels:mail:port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["notifications:channels:mail:security"] = "none",
        ["notifications:channels:mail:user"] = "p4flow",
        ["notifications:channels:mail:password_file"] = SecretFile("smtp-password", "smtp-Secret-9"),
        ["notifications:channels:mail:from"] = "P4Flow <p4flow@example.com>",
        ["notifications:events:" + events + ":0"] = "mail",
        ["notifications:people:alice"] = "alice@example.com",
        ["notifications:retry:0"] = "10s",
        ["notifications:retry:1"] = "1m",
    };

    [Fact]
    public async Task Email_NeedsResolve_GoesToStarterOwnerAndBranchWithTheFilesAndTheLink()
    {
        await using var smtp = await LoopbackSmtp.StartNewAsync(("p4flow", "smtp-Secret-9"));
        var directory = new FixedDirectory(new() { ["bob"] = "bob@example.com" });
        using var harness = new NotificationHarness(Mail(smtp.Port), directory);

        await harness.Raiser.RaiseAsync(Topics.NeedsResolve, "job-1/needs_resolve/1", "job-1", NotificationHarness.ParkedJob(), CancellationToken.None);
        await harness.Delivery.DeliverDueAsync(CancellationToken.None);

        var mail = Assert.Single(smtp.Mails);
        Assert.Equal("p4flow", mail.LoggedInAs);
        Assert.Equal(["alice@example.com", "bob@example.com", "rel-team@example.com"], mail.Envelope.Order(StringComparer.Ordinal));
        Assert.Equal("[P4Flow] 2 conflicts to resolve: //depot/main/... -> //depot/rel/... (job job-1)", mail.Subject);
        Assert.Contains("  //depot/rel/src/parser.c (conflict) from //depot/main/src/parser.c", mail.Body, StringComparison.Ordinal);
        Assert.Contains("  //depot/rel/art/logo.png (binary) from //depot/main/art/logo.png", mail.Body, StringComparison.Ordinal);
        Assert.Contains("  CL 42 by bob: Fix the parser", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Open the job: https://p4flow.example.com/jobs/job-1", mail.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("smtp-Secret-9", mail.Message.ToString(), StringComparison.Ordinal);
        // alice comes from notifications.people, so Perforce is asked only about bob.
        Assert.Equal(["bob"], directory.Asked);

        var sent = await harness.OnlyMessageAsync();
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(["alice@example.com", "bob@example.com", "rel-team@example.com"], sent.Recipients.Order(StringComparer.Ordinal));
        Assert.Equal(EmailChannel.MessageIdOf(sent.Id), mail.Message.MessageId);
    }

    [Fact]
    public async Task Email_ServerDownForAWhile_RetriedOnScheduleThenSentOnce()
    {
        var smtp = LoopbackSmtp.Stopped(("p4flow", "smtp-Secret-9"));
        await using var _ = smtp;
        using var harness = new NotificationHarness(Mail(smtp.Port), new FixedDirectory([]));
        await harness.Raiser.RaiseAsync(Topics.NeedsResolve, "job-1/needs_resolve/1", "job-1", NotificationHarness.ParkedJob(), CancellationToken.None);

        await harness.Delivery.DeliverDueAsync(CancellationToken.None);
        var waiting = await harness.OnlyMessageAsync();
        Assert.Equal(OutboxStatus.Pending, waiting.Status);
        var failed = Assert.Single(waiting.Attempts);
        Assert.NotNull(failed.Error);
        Assert.Equal(harness.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(10), waiting.NextAttemptAt);

        // Not due yet: nothing is tried.
        harness.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await harness.Delivery.DeliverDueAsync(CancellationToken.None));

        await smtp.StartAsync();
        harness.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await harness.Delivery.DeliverDueAsync(CancellationToken.None));
        var sent = await harness.OnlyMessageAsync();
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts.Count);
        Assert.Null(sent.Attempts[^1].Error);
        Assert.Single(smtp.Mails);

        // Sent is sent: later rounds send nothing again.
        harness.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await harness.Delivery.DeliverDueAsync(CancellationToken.None));
        Assert.Single(smtp.Mails);
    }

    [Fact]
    public async Task Email_ServerNeverComesBack_FailedAfterTheLastRetryWithEveryAttemptKept()
    {
        var smtp = LoopbackSmtp.Stopped();
        await using var _ = smtp;
        using var harness = new NotificationHarness(Mail(smtp.Port), new FixedDirectory([]));
        await harness.Raiser.RaiseAsync(Topics.NeedsResolve, "job-1/needs_resolve/1", "job-1", NotificationHarness.ParkedJob(), CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            await harness.Delivery.DeliverDueAsync(CancellationToken.None);
            harness.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        var given = await harness.OnlyMessageAsync();
        Assert.Equal(OutboxStatus.Failed, given.Status);
        Assert.Equal(3, given.Attempts.Count);
        Assert.All(given.Attempts, a => Assert.NotNull(a.Error));
    }

    [Fact]
    public async Task Email_NobodyHasAnAddress_FailedAtOnceSayingSo()
    {
        await using var smtp = await LoopbackSmtp.StartNewAsync();
        var settings = Mail(smtp.Port);
        settings.Remove("notifications:people:alice");
        settings.Remove("notifications:channels:mail:user");
        settings.Remove("notifications:channels:mail:password_file");
        using var harness = new NotificationHarness(settings, new FixedDirectory([]));
        var payload = NotificationHarness.ParkedJob();
        payload["addresses"] = new System.Text.Json.Nodes.JsonArray();
        await harness.Raiser.RaiseAsync(Topics.NeedsResolve, "job-1/needs_resolve/1", "job-1", payload, CancellationToken.None);

        await harness.Delivery.DeliverDueAsync(CancellationToken.None);

        var given = await harness.OnlyMessageAsync();
        Assert.Equal(OutboxStatus.Failed, given.Status);
        Assert.Contains("nobody to write to", Assert.Single(given.Attempts).Error, StringComparison.Ordinal);
        Assert.Empty(smtp.Mails);
    }

    [Fact]
    public async Task Webhook_SignedOverTimestampAndBody_ReceiverVerifiesAndSeesOneKeyAcrossRetries()
    {
        await using var sink = await WebhookSink.StartAsync();
        sink.Status = 503;
        using var harness = new NotificationHarness(new Dictionary<string, string?>
        {
            ["notifications:channels:hook:type"] = "webhook",
            ["notifications:channels:hook:url"] = sink.Url,
            ["notifications:channels:hook:secret_file"] = SecretFile("hook-secret", "hook-Secret-7"),
            ["notifications:events:needs_resolve:0"] = "hook",
        });
        var payload = NotificationHarness.ParkedJob();
        // Whatever puts a secret in a message, it does not leave.
        payload["changes"] = "hook-Secret-7";
        await harness.Raiser.RaiseAsync(Topics.NeedsResolve, "job-1/needs_resolve/1", "job-1", payload, CancellationToken.None);

        await harness.Delivery.DeliverDueAsync(CancellationToken.None);
        var refused = await harness.OnlyMessageAsync();
        Assert.Equal(OutboxStatus.Pending, refused.Status);
        Assert.Contains("503", Assert.Single(refused.Attempts).Error, StringComparison.Ordinal);

        sink.Status = 200;
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await harness.Delivery.DeliverDueAsync(CancellationToken.None);

        Assert.Equal(2, sink.Calls.Count);
        var message = await harness.OnlyMessageAsync();
        Assert.Equal(OutboxStatus.Sent, message.Status);
        foreach (var call in sink.Calls)
        {
            Assert.Equal(message.Id, call.Header(WebhookSignature.IdempotencyHeader));
            Assert.Equal("needs_resolve", call.Header(WebhookSignature.EventHeader));
            Assert.Null(WebhookSignature.Problem("hook-Secret-7", call.Header(WebhookSignature.TimestampHeader), call.Header(WebhookSignature.SignatureHeader), call.Body, harness.Clock.GetUtcNow()));
            Assert.NotNull(WebhookSignature.Problem("another-secret", call.Header(WebhookSignature.TimestampHeader), call.Header(WebhookSignature.SignatureHeader), call.Body, harness.Clock.GetUtcNow()));
        }
        var body = System.Text.Json.Nodes.JsonNode.Parse(sink.Calls[^1].Text)!;
        Assert.Equal("needs_resolve", body["event"]!.GetValue<string>());
        Assert.Equal(2, body["conflictCount"]!.GetValue<int>());
        Assert.Equal("//depot/rel/src/parser.c", body["conflicts"]![0]!["file"]!.GetValue<string>());
        Assert.Equal(message.Id, body["id"]!.GetValue<string>());
        Assert.Equal("***", body["changes"]!.GetValue<string>());
        Assert.DoesNotContain("hook-Secret-7", sink.Calls[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_IncomingWebhook_GetsTextWithTheLinkAndNoSecretUrlInTheRecord()
    {
        await using var sink = await WebhookSink.StartAsync();
        using var harness = new NotificationHarness(new Dictionary<string, string?>
        {
            ["notifications:channels:chat:type"] = "slack",
            ["notifications:channels:chat:url_file"] = SecretFile("slack-url", sink.Url),
            ["notifications:events:needs_resolve:0"] = "chat",
        });
        await harness.Raiser.RaiseAsync(Topics.NeedsResolve, "job-1/needs_resolve/1", "job-1", NotificationHarness.ParkedJob(), CancellationToken.None);

        await harness.Delivery.DeliverDueAsync(CancellationToken.None);

        var call = Assert.Single(sink.Calls);
        var text = System.Text.Json.Nodes.JsonNode.Parse(call.Text)!["text"]!.GetValue<string>();
        Assert.StartsWith("*[P4Flow] 2 conflicts to resolve: //depot/main/... -&gt; //depot/rel/... (job job-1)*\n", text, StringComparison.Ordinal);
        Assert.Contains("https://p4flow.example.com/jobs/job-1", text, StringComparison.Ordinal);
        Assert.Equal(["127.0.0.1"], (await harness.OnlyMessageAsync()).Recipients);
    }

    [Fact]
    public async Task Raise_SameEventTwice_OneMessagePerChannel()
    {
        using var harness = new NotificationHarness(new Dictionary<string, string?>
        {
            ["notifications:channels:log:type"] = "file",
            ["notifications:channels:log:path"] = Path.Combine(_folder, "notifications.jsonl"),
            ["notifications:channels:log:people"] = "false",
            ["notifications:events:needs_resolve:0"] = "log",
        });
        Assert.Equal(1, await harness.Raiser.RaiseAsync(Topics.NeedsResolve, "job-1/needs_resolve/1", "job-1", NotificationHarness.ParkedJob(), CancellationToken.None));
        Assert.Equal(0, await harness.Raiser.RaiseAsync(Topics.NeedsResolve, "job-1/needs_resolve/1", "job-1", NotificationHarness.ParkedJob(), CancellationToken.None));
        Assert.Equal(0, await harness.Raiser.RaiseAsync(Topics.Failed, "job-1/failed", "job-1", NotificationHarness.ParkedJob(), CancellationToken.None));

        await harness.Delivery.DeliverDueAsync(CancellationToken.None);

        var line = Assert.Single(File.ReadAllLines(Path.Combine(_folder, "notifications.jsonl")));
        Assert.Equal("needs_resolve", System.Text.Json.Nodes.JsonNode.Parse(line)!["event"]!.GetValue<string>());
        Assert.Equal(1, harness.Trigger.Count);
    }
}
