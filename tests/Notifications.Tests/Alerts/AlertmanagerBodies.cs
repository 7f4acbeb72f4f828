using System.Text.Json.Nodes;

namespace P4Flow.Notifications.Tests.Alerts;

/// <summary>
/// Webhook bodies in the shape of Alertmanager's documentation (payload version 4), with P4Flow's own rules: one group
/// of two alerts, one firing (Go's nanosecond time, the zero endsAt Alertmanager sends while it fires) and one resolved.
/// </summary>
internal static class AlertmanagerBodies
{
    public const string TwoAlerts = """
        {
          "version": "4",
          "groupKey": "{}:{alertname=\"AgentRefusalsSpike\", instance=\"orchestrator-1:9091\"}",
          "truncatedAlerts": 0,
          "status": "firing",
          "receiver": "p4flow",
          "groupLabels": { "alertname": "AgentRefusalsSpike", "instance": "orchestrator-1:9091" },
          "commonLabels": { "alertname": "AgentRefusalsSpike", "instance": "orchestrator-1:9091", "severity": "warning" },
          "commonAnnotations": { "summary": "Agents refused by the hub" },
          "externalURL": "http://alertmanager.example:9093",
          "alerts": [
            {
              "status": "firing",
              "labels": { "alertname": "AgentRefusalsSpike", "instance": "orchestrator-1:9091", "reason": "certificate", "severity": "warning" },
              "annotations": { "summary": "Agents refused by the hub", "description": "14 agent connections refused in 5 minutes on orchestrator-1:9091 (certificate)." },
              "startsAt": "2025-03-14T09:26:53.589793238Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus.example:9090/graph?g0.expr=sum+by+%28instance%2C+reason%29+%28increase%28p4_hub_refusals_total%5B5m%5D%29%29+%3E+10&g0.tab=1",
              "fingerprint": "3f6b1c2d4e5a6978"
            },
            {
              "status": "resolved",
              "labels": { "alertname": "AgentRefusalsSpike", "instance": "orchestrator-1:9091", "reason": "not_whitelisted", "severity": "warning" },
              "annotations": { "summary": "Agents refused by the hub", "description": "11 agent connections refused in 5 minutes on orchestrator-1:9091 (not_whitelisted)." },
              "startsAt": "2025-03-14T08:51:23+01:00",
              "endsAt": "2025-03-14T09:21:23.5Z",
              "generatorURL": "",
              "fingerprint": "a1b2c3d4e5f60718"
            }
          ]
        }
        """;

    /// <summary>The two-alert body, changed by <paramref name="change"/> before it is read.</summary>
    public static JsonObject TwoAlertsWith(Action<JsonObject> change)
    {
        var body = JsonNode.Parse(TwoAlerts)!.AsObject();
        change(body);
        return body;
    }

    public static JsonObject Alert(JsonObject body, int index) => body["alerts"]![index]!.AsObject();
}
