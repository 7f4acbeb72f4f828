using System.Text.Json.Nodes;
using P4Flow.Notifications.Alerts;
using static P4Flow.Notifications.Tests.Alerts.AlertmanagerBodies;

namespace P4Flow.Notifications.Tests.Alerts;

public sealed class AlertmanagerWebhookTests
{
    [Fact]
    public void Parse_TwoAlertsAsAlertmanagerSends_ReadsEachAlert()
    {
        var batch = AlertmanagerWebhook.Parse(JsonNode.Parse(TwoAlerts));

        Assert.Equal("4", batch.Version);
        Assert.Equal("p4flow", batch.Receiver);
        Assert.Equal("firing", batch.Status);
        Assert.Equal("{}:{alertname=\"AgentRefusalsSpike\", instance=\"orchestrator-1:9091\"}", batch.GroupKey);
        Assert.Equal("orchestrator-1:9091", batch.GroupLabels["instance"]);
        Assert.Equal("warning", batch.CommonLabels["severity"]);
        Assert.Equal("Agents refused by the hub", batch.CommonAnnotations["summary"]);
        Assert.Equal("http://alertmanager.example:9093", batch.ExternalUrl);
        Assert.Equal(0, batch.TruncatedAlerts);
        Assert.Equal(2, batch.Alerts.Count);

        var firing = batch.Alerts[0];
        Assert.Equal("AgentRefusalsSpike", firing.Name);
        Assert.Equal(AlertmanagerAlert.Firing, firing.Status);
        Assert.Equal("warning", firing.Severity);
        Assert.Equal("Agents refused by the hub", firing.Summary);
        Assert.Equal("14 agent connections refused in 5 minutes on orchestrator-1:9091 (certificate).", firing.Description);
        Assert.Equal("certificate", firing.Labels["reason"]);
        Assert.Equal(4, firing.Labels.Count);
        // Go's nanoseconds, kept to .NET's 100 ns.
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero).AddTicks(5_897_932), firing.StartsAt);
        Assert.Null(firing.EndsAt);
        Assert.StartsWith("http://prometheus.example:9090/graph?g0.expr=", firing.GeneratorUrl, StringComparison.Ordinal);
        Assert.Equal("3f6b1c2d4e5a6978", firing.Fingerprint);

        var resolved = batch.Alerts[1];
        Assert.Equal(AlertmanagerAlert.Resolved, resolved.Status);
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 7, 51, 23, TimeSpan.Zero), resolved.StartsAt.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 9, 21, 23, 500, TimeSpan.Zero), resolved.EndsAt);
        Assert.Null(resolved.GeneratorUrl);
    }

    [Fact]
    public void Parse_NoAlerts_IsRefusedNamingAlerts() =>
        AssertRefused(TwoAlertsWith(body => body.Remove("alerts")), "alerts", "missing");

    [Fact]
    public void Parse_AlertsNotAnArray_IsRefusedNamingAlerts() =>
        AssertRefused(TwoAlertsWith(body => body["alerts"] = new JsonObject()), "alerts", "must be an array, not an object");

    [Fact]
    public void Parse_AlertWithoutAlertname_IsRefusedNamingTheLabel() =>
        AssertRefused(TwoAlertsWith(body => Alert(body, 1)["labels"]!.AsObject().Remove("alertname")), "alerts[1].labels.alertname", "missing");

    [Fact]
    public void Parse_AlertWithoutLabels_IsRefusedNamingThem() =>
        AssertRefused(TwoAlertsWith(body => Alert(body, 0).Remove("labels")), "alerts[0].labels", "missing");

    [Fact]
    public void Parse_BadStatus_IsRefusedNamingIt() =>
        AssertRefused(TwoAlertsWith(body => Alert(body, 0)["status"] = "pending"), "alerts[0].status", "\"firing\" or \"resolved\", not \"pending\"");

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2025-03-14 09:26:53Z")]
    [InlineData("2025-03-14T09:26:53")]
    [InlineData("2025-02-30T09:26:53Z")]
    [InlineData("2025-03-14T09:26:53.1234567890Z")]
    public void Parse_BadStartsAt_IsRefusedNamingIt(string startsAt) =>
        AssertRefused(TwoAlertsWith(body => Alert(body, 1)["startsAt"] = startsAt), "alerts[1].startsAt", "RFC 3339");

    [Fact]
    public void Parse_StartsAtANumber_IsRefusedNamingIt() =>
        AssertRefused(TwoAlertsWith(body => Alert(body, 1)["startsAt"] = 1_741_944_413), "alerts[1].startsAt", "must be a string, not a number");

    [Fact]
    public void Parse_TooManyAlerts_IsRefusedBeforeAnyIsRead()
    {
        var body = TwoAlertsWith(body =>
        {
            var alerts = new JsonArray();
            // Not even objects: the count is checked before the first alert is read.
            for (var i = 0; i <= AlertmanagerWebhook.MaxAlerts; i++) alerts.Add(i);
            body["alerts"] = alerts;
        });

        AssertRefused(body, "alerts", "1001 alerts; at most 1000");
    }

    [Fact]
    public void Parse_ALabelValueTooLong_IsRefusedNamingIt() =>
        AssertRefused(TwoAlertsWith(body => Alert(body, 0)["labels"]!["instance"] = new string('x', AlertmanagerWebhook.MaxValueLength + 1)),
            "alerts[0].labels.instance", "4097 characters; at most 4096");

    [Fact]
    public void Parse_AnAnnotationNotAString_IsRefusedNamingIt() =>
        AssertRefused(TwoAlertsWith(body => Alert(body, 1)["annotations"]!["runbook url"] = new JsonArray()),
            "alerts[1].annotations[\"runbook url\"]", "must be a string, not an array");

    [Fact]
    public void Parse_TooManyLabels_IsRefusedNamingThem()
    {
        var body = TwoAlertsWith(body =>
        {
            var labels = Alert(body, 0)["labels"]!.AsObject();
            for (var i = 0; labels.Count <= AlertmanagerWebhook.MaxLabels; i++) labels[$"extra_{i}"] = "x";
        });

        AssertRefused(body, "alerts[0].labels", "at most 128");
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("")]
    public void Parse_FingerprintNotHex_IsRefusedNamingIt(string fingerprint) =>
        AssertRefused(TwoAlertsWith(body => Alert(body, 0)["fingerprint"] = fingerprint), "alerts[0].fingerprint", "hex digits");

    [Fact]
    public void Parse_AnotherVersion_IsRefused() =>
        AssertRefused(TwoAlertsWith(body => body["version"] = "5"), "version", "version \"4\" only");

    [Fact]
    public void Parse_NotAnObject_IsRefusedNamingTheBody()
    {
        AssertRefused(new JsonArray(), "body", "not an array");
        AssertRefused(null, "body", "not null");
    }

    private static void AssertRefused(JsonNode? body, string field, string says)
    {
        var refused = Assert.Throws<AlertmanagerBodyException>(() => AlertmanagerWebhook.Parse(body));
        Assert.Equal(field, refused.Field);
        Assert.Contains(says, refused.Message, StringComparison.Ordinal);
    }
}
