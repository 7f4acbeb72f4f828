namespace P4Flow.Notifications.Alerts;

/// <summary>
/// One webhook call of Alertmanager (payload version 4): a group of alerts that share the route's group labels. P4Flow
/// acts on each alert alone; the group's fields are kept for the log and for finding the group in Alertmanager.
/// </summary>
public sealed record AlertmanagerBatch(
    string Version,
    string? GroupKey,
    string? Status,
    string? Receiver,
    IReadOnlyDictionary<string, string> GroupLabels,
    IReadOnlyDictionary<string, string> CommonLabels,
    IReadOnlyDictionary<string, string> CommonAnnotations,
    string? ExternalUrl,
    int TruncatedAlerts,
    IReadOnlyList<AlertmanagerAlert> Alerts);

/// <summary>
/// One alert as Alertmanager reports it: its rule's name and labels, what the rule says about it, and since when.
/// </summary>
/// <param name="Status"><see cref="Firing"/> or <see cref="Resolved"/>.</param>
/// <param name="EndsAt">When it ended; null while it fires (Alertmanager then sends the zero time).</param>
/// <param name="Fingerprint">Alertmanager's hash of the labels: the same alert keeps it from one call to the next.</param>
public sealed record AlertmanagerAlert(
    string Name,
    string Status,
    string? Severity,
    string? Summary,
    string? Description,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string? GeneratorUrl,
    string Fingerprint)
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}
