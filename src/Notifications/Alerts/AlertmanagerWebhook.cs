using System.Globalization;
using System.Text.Json.Nodes;
using static P4Flow.Notifications.Alerts.AlertmanagerJson;

namespace P4Flow.Notifications.Alerts;

/// <summary>
/// Alertmanager's webhook body (config/prometheus/alertmanager.yml sends it to the orchestrator): read into alerts,
/// and each alert into the payload and event key of a notification of topic <see cref="Topics.Alert"/>.
/// </summary>
public static class AlertmanagerWebhook
{
    /// <summary>Alertmanager's payload version: a body of another version would have another shape, so it is refused rather than misread.</summary>
    public const string Version = "4";

    /// <summary>Alerts in one body: alertmanager.yml's max_alerts keeps Alertmanager under it.</summary>
    public const int MaxAlerts = 1000;
    /// <summary>Labels or annotations of one alert (or of a group).</summary>
    public const int MaxLabels = 128;
    public const int MaxLabelNameLength = 256;
    /// <summary>A label's or annotation's value: a description of a few sentences fits many times over.</summary>
    public const int MaxValueLength = 4096;
    /// <summary>generatorURL holds the rule's expression, URL-encoded.</summary>
    public const int MaxUrlLength = 8192;
    /// <summary>groupKey names the route and the group's label values.</summary>
    public const int MaxGroupKeyLength = 16384;
    /// <summary>receiver and status.</summary>
    private const int MaxNameLength = 256;
    /// <summary>Alertmanager's fingerprint is 16 hex digits (a 64-bit hash); more room for another hash, none for a path.</summary>
    private const int MaxFingerprintLength = 64;

    /// <exception cref="AlertmanagerBodyException">The body is not Alertmanager's, or is larger than P4Flow takes.</exception>
    public static AlertmanagerBatch Parse(JsonNode? body)
    {
        if (body is not JsonObject root) throw new AlertmanagerBodyException("body", $"The body must be a JSON object, not {Kind(body)}.");
        var version = RequiredText(root, "version", "version", MaxNameLength);
        if (version != Version)
            throw new AlertmanagerBodyException("version", $"version is \"{Shorten(version)}\"; P4Flow reads Alertmanager's webhook version \"{Version}\" only.");
        var status = OptionalText(root, "status", "status", MaxNameLength);
        if (status is not (null or AlertmanagerAlert.Firing or AlertmanagerAlert.Resolved))
            throw new AlertmanagerBodyException("status", $"status must be \"firing\" or \"resolved\", not \"{Shorten(status)}\".");
        return new AlertmanagerBatch(
            version,
            OptionalText(root, "groupKey", "groupKey", MaxGroupKeyLength),
            status,
            OptionalText(root, "receiver", "receiver", MaxNameLength),
            Strings(root, "groupLabels", "groupLabels"),
            Strings(root, "commonLabels", "commonLabels"),
            Strings(root, "commonAnnotations", "commonAnnotations"),
            OptionalText(root, "externalURL", "externalURL", MaxUrlLength),
            TruncatedAlerts(root),
            Alerts(root));
    }

    /// <summary>
    /// What a notification about the alert carries, under `alert`: the keys <see cref="MessageText"/> reads (times in
    /// UTC; endsAt null while it fires).
    /// </summary>
    public static JsonObject Payload(AlertmanagerAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var labels = new JsonObject();
        foreach (var (name, value) in alert.Labels) labels[name] = value;
        return new JsonObject
        {
            ["alert"] = new JsonObject
            {
                ["name"] = alert.Name,
                ["status"] = alert.Status,
                ["severity"] = alert.Severity,
                ["summary"] = alert.Summary,
                ["description"] = alert.Description,
                ["labels"] = labels,
                ["startsAt"] = alert.StartsAt.UtcDateTime,
                ["endsAt"] = alert.EndsAt?.UtcDateTime,
                ["generatorURL"] = alert.GeneratorUrl,
                ["fingerprint"] = alert.Fingerprint,
            },
        };
    }

    /// <summary>
    /// One key per occurrence of an alert in one status: Alertmanager's repeats of a group (repeat_interval, retries)
    /// and a second Alertmanager of a cluster give the same key, so the outbox adds them once; the alert firing again
    /// later starts at another time, and so is news again.
    /// </summary>
    public static string EventKey(AlertmanagerAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return string.Create(CultureInfo.InvariantCulture, $"alert/{alert.Fingerprint}/{alert.Status}/{alert.StartsAt.UtcTicks}");
    }

    private static int TruncatedAlerts(JsonObject root)
    {
        // Older Alertmanagers, from before max_alerts, do not send it.
        var node = root["truncatedAlerts"];
        if (node is null) return 0;
        if (node is not JsonValue value || !value.TryGetValue<int>(out var truncated) || truncated < 0)
            throw new AlertmanagerBodyException("truncatedAlerts", $"truncatedAlerts must be a count (0 or more), not {Kind(node)} {Shorten(node.ToJsonString())}.");
        return truncated;
    }

    private static List<AlertmanagerAlert> Alerts(JsonObject root)
    {
        var node = root["alerts"];
        if (node is null) throw new AlertmanagerBodyException("alerts", "alerts is missing: the body has no alerts to tell about.");
        if (node is not JsonArray alerts) throw new AlertmanagerBodyException("alerts", $"alerts must be an array, not {Kind(node)}.");
        if (alerts.Count > MaxAlerts)
            throw new AlertmanagerBodyException("alerts", $"alerts has {alerts.Count} alerts; at most {MaxAlerts} are taken in one body (set max_alerts in Alertmanager's webhook_config).");
        return alerts.Select((alert, i) => Alert(alert, $"alerts[{i}]")).ToList();
    }

    private static AlertmanagerAlert Alert(JsonNode? node, string path)
    {
        if (node is not JsonObject alert) throw new AlertmanagerBodyException(path, $"{path} must be an object, not {Kind(node)}.");
        var status = RequiredText(alert, "status", $"{path}.status", MaxNameLength);
        if (status is not (AlertmanagerAlert.Firing or AlertmanagerAlert.Resolved))
            throw new AlertmanagerBodyException($"{path}.status", $"{path}.status must be \"firing\" or \"resolved\", not \"{Shorten(status)}\".");
        if (alert["labels"] is null) throw new AlertmanagerBodyException($"{path}.labels", $"{path}.labels is missing: an alert is known by its labels.");
        var labels = Strings(alert, "labels", $"{path}.labels");
        var name = labels.GetValueOrDefault("alertname");
        if (string.IsNullOrWhiteSpace(name))
            throw new AlertmanagerBodyException($"{path}.labels.alertname", $"{path}.labels.alertname is missing or empty: every alert carries its rule's name.");
        var annotations = Strings(alert, "annotations", $"{path}.annotations");
        var startsAt = Time(alert, "startsAt", $"{path}.startsAt")
            ?? throw new AlertmanagerBodyException($"{path}.startsAt", $"{path}.startsAt is missing: it tells this firing of the alert from the next.");
        var fingerprint = RequiredText(alert, "fingerprint", $"{path}.fingerprint", MaxFingerprintLength);
        // It becomes part of an outbox message's id: hex digits only, so it cannot add a '/' or anything else to it.
        if (fingerprint.Length == 0 || !fingerprint.All(char.IsAsciiHexDigit))
            throw new AlertmanagerBodyException($"{path}.fingerprint", $"{path}.fingerprint must be hex digits, not \"{Shorten(fingerprint)}\".");
        return new AlertmanagerAlert(
            name,
            status,
            labels.GetValueOrDefault("severity"),
            annotations.GetValueOrDefault("summary"),
            annotations.GetValueOrDefault("description"),
            labels,
            annotations,
            startsAt,
            Time(alert, "endsAt", $"{path}.endsAt"),
            OptionalText(alert, "generatorURL", $"{path}.generatorURL", MaxUrlLength) is { Length: > 0 } url ? url : null,
            fingerprint);
    }
}
