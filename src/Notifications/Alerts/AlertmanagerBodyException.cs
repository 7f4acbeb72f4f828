namespace P4Flow.Notifications.Alerts;

/// <summary>
/// A webhook body P4Flow does not take. <see cref="Field"/> is where, as a JSON path (`alerts[2].labels.alertname`,
/// `body` for the whole), so an API can answer 400 with the field as ProblemDetails' `errors` key; the message says what.
/// </summary>
public sealed class AlertmanagerBodyException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
