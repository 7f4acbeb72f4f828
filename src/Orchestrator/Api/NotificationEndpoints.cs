using System.Security.Claims;
using P4Flow.Notifications;
using P4Flow.Notifications.Alerts;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.Outbox;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Users;

namespace P4Flow.Orchestrator.Api;

/// <summary>What was sent to whom and when, each failed attempt, and a parked job's acknowledgement.</summary>
internal static class NotificationEndpoints
{
    private const int MaxPageSize = 500;
    /// <summary>Alertmanager's own cap (max_alerts 1000 in config/prometheus/alertmanager.yml) with room for long annotations.</summary>
    private const int MaxBodyBytes = 8 * 1024 * 1024;

    private static async Task<System.Text.Json.Nodes.JsonNode?> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) throw new WorkflowInputException("body", $"The body is larger than {MaxBodyBytes / 1024 / 1024} MB.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBodyBytes) throw new WorkflowInputException("body", $"The body is larger than {MaxBodyBytes / 1024 / 1024} MB.");
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(buffer.ToArray());
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new WorkflowInputException("body", $"The body is not JSON: {ex.Message}");
        }
    }

    public static void MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/notifications", async (string? jobId, string? channel, string? status, string? @event, int? page, int? pageSize, IOutboxStore outbox, CancellationToken ct) =>
        {
            OutboxStatus? parsed = null;
            if (status is not null)
            {
                if (!Enum.TryParse<OutboxStatus>(status, ignoreCase: true, out var s) || int.TryParse(status, out _))
                    throw new WorkflowInputException("status", $"status must be one of {string.Join(", ", Enum.GetNames<OutboxStatus>())} (got '{status}').");
                parsed = s;
            }
            if (@event is not null && !Topics.All.Contains(@event))
                throw new WorkflowInputException("event", $"event must be one of {string.Join(", ", Topics.All)} (got '{@event}').");
            if (page is < 1) throw new WorkflowInputException("page", "page starts at 1.");
            if (pageSize is < 1 or > MaxPageSize) throw new WorkflowInputException("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
            var found = await outbox.QueryOutboxAsync(new OutboxQuery(jobId, channel, parsed, @event, page ?? 1, pageSize ?? 50), ct);
            return new NotificationPage([.. found.Items.Select(NotificationView.From)], found.Total, found.Page, found.PageSize);
        }).WithTags("Notifications").RequireAuthorization(Roles.Viewer)
            .WithSummary("Notifications, newest first, with their recipients and every delivery attempt; filter by job, channel, status and event.");

        app.MapPost("/api/alerts/alertmanager", async (HttpRequest request, NotificationOutbox outbox, CancellationToken ct) =>
        {
            var batch = AlertmanagerWebhook.Parse(await ReadJsonAsync(request, ct));
            var added = 0;
            foreach (var alert in batch.Alerts)
                added += await outbox.RaiseAsync(Topics.Alert, AlertmanagerWebhook.EventKey(alert), null, AlertmanagerWebhook.Payload(alert), ct);
            return Results.Accepted(value: new AlertsAccepted(batch.Alerts.Count, added));
        }).WithTags("Notifications").RequireAuthorization(Roles.Operator)
            .WithSummary("Alertmanager's webhook (version 4): each alert, firing or resolved, is told to the channels of notifications.events.alert; a repeat of one already told is not told again.");

        app.MapPost("/api/jobs/{id}/acknowledge", async (string id, Acknowledgements acknowledgements, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
            JobView.From(await actions.RunAsync(user, UserAction.Acknowledge, id, null,
                () => acknowledgements.AcknowledgeAsync(id, user.Identity?.Name ?? "unknown user", ct))))
            .WithTags("Jobs").RequireAuthorization(Roles.Operator)
            .WithSummary("Takes a job parked in NEEDS_RESOLVE: records who and when, and stops its reminders. 409 in any other stage.");
    }
}

/// <summary>How many alerts a webhook call carried, and how many of them were news.</summary>
public sealed record AlertsAccepted(int Alerts, int Added);

/// <summary>One notification as the API and the Studio show it.</summary>
public sealed record NotificationView(
    string Id,
    string Event,
    string Channel,
    string? JobId,
    OutboxStatus Status,
    string Subject,
    IReadOnlyList<string> Recipients,
    DateTime CreatedAt,
    DateTime? DeliveredAt,
    DateTime? NextAttemptAt,
    IReadOnlyList<OutboxAttempt> Attempts)
{
    public static NotificationView From(OutboxMessage message) => new(
        message.Id, message.Topic, message.Channel, message.JobId, message.Status, MessageText.Render(message).Subject,
        message.Recipients, message.CreatedAt, message.DeliveredAt,
        message.Status == OutboxStatus.Pending ? message.NextAttemptAt : null, message.Attempts);
}

public sealed record NotificationPage(IReadOnlyList<NotificationView> Items, int Total, int Page, int PageSize);
