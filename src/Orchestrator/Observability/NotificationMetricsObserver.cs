using P4Flow.Notifications;

namespace P4Flow.Orchestrator.Observability;

/// <summary>Feeds p4_notifications_total{channel,result}.</summary>
internal sealed class NotificationMetricsObserver(P4FlowMetrics metrics) : INotificationObserver
{
    public void Attempted(string channel, string result) => metrics.NotificationAttempted(channel, result);
}
