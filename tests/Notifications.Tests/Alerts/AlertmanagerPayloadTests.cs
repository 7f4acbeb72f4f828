using System.Text.Json.Nodes;
using P4Flow.Notifications.Alerts;
using P4Flow.Workflows.Outbox;
using static P4Flow.Notifications.Tests.Alerts.AlertmanagerBodies;

namespace P4Flow.Notifications.Tests.Alerts;

/// <summary>An alert as a notification: the payload the message renderer reads, and the key the outbox deduplicates on.</summary>
public sealed class AlertmanagerPayloadTests
{
    private static readonly AlertmanagerBatch Batch = AlertmanagerWebhook.Parse(JsonNode.Parse(TwoAlerts));

    [Fact]
    public void Payload_FiringAlert_HasTheKeysUnderAlert()
    {
        var alert = AlertmanagerWebhook.Payload(Batch.Alerts[0])["alert"]!.AsObject();

        Assert.Equal(["name", "status", "severity", "summary", "description", "labels", "startsAt", "endsAt", "generatorURL", "fingerprint"], alert.Select(p => p.Key));
        Assert.Equal("AgentRefusalsSpike", (string?)alert["name"]);
        Assert.Equal("firing", (string?)alert["status"]);
        Assert.Equal("certificate", (string?)alert["labels"]!["reason"]);
        Assert.Null(alert["endsAt"]);
        Assert.Equal("3f6b1c2d4e5a6978", (string?)alert["fingerprint"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Payload_Rendered_SaysWhatFiredAndWhere(bool throughTheStore)
    {
        var payload = AlertmanagerWebhook.Payload(Batch.Alerts[0]);
        // The outbox keeps payloads as JSON text: what is read back must render the same.
        if (throughTheStore) payload = JsonNode.Parse(payload.ToJsonString())!.AsObject();

        var message = MessageText.Render(new OutboxMessage { Topic = Topics.Alert, Payload = payload });

        Assert.Equal("[P4Flow] Alert AgentRefusalsSpike firing", message.Subject);
        Assert.Contains("Agents refused by the hub\n14 agent connections refused in 5 minutes", message.Body, StringComparison.Ordinal);
        Assert.Contains("Status: firing, since 2025-03-14 09:26 UTC", message.Body, StringComparison.Ordinal);
        Assert.Contains("Severity: warning", message.Body, StringComparison.Ordinal);
        Assert.Contains("reason=certificate", message.Body, StringComparison.Ordinal);
        Assert.Contains("Source: http://prometheus.example:9090/graph?", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Payload_ResolvedAlert_RendersAsResolved()
    {
        var message = MessageText.Render(new OutboxMessage { Topic = Topics.Alert, Payload = AlertmanagerWebhook.Payload(Batch.Alerts[1]) });

        Assert.Equal("[P4Flow] Alert AgentRefusalsSpike resolved", message.Subject);
        Assert.Contains("Status: resolved, since 2025-03-14 07:51 UTC", message.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Source:", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void EventKey_IsTheAlertsFingerprintStatusAndStart()
    {
        var firing = Batch.Alerts[0];

        Assert.Equal($"alert/3f6b1c2d4e5a6978/firing/{firing.StartsAt.UtcTicks}", AlertmanagerWebhook.EventKey(firing));
    }

    [Fact]
    public void EventKey_RepeatedFiring_IsTheSame_ResolvedOrFiringAgain_IsNew()
    {
        var first = AlertmanagerWebhook.Parse(JsonNode.Parse(TwoAlerts)).Alerts[0];
        // Alertmanager's repeat_interval sends the group again as it was.
        var repeat = AlertmanagerWebhook.Parse(JsonNode.Parse(TwoAlerts)).Alerts[0];
        var resolved = first with { Status = AlertmanagerAlert.Resolved, EndsAt = first.StartsAt.AddMinutes(30) };
        var again = first with { StartsAt = first.StartsAt.AddHours(2) };

        Assert.Equal(AlertmanagerWebhook.EventKey(first), AlertmanagerWebhook.EventKey(repeat));
        Assert.NotEqual(AlertmanagerWebhook.EventKey(first), AlertmanagerWebhook.EventKey(resolved));
        Assert.NotEqual(AlertmanagerWebhook.EventKey(first), AlertmanagerWebhook.EventKey(again));
    }
}
