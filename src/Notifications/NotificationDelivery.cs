using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Notifications.Channels;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications;

/// <summary>Told how each delivery attempt ended: result is sent, retry (failed, will be tried again) or failed (given up).</summary>
public interface INotificationObserver
{
    void Attempted(string channel, string result);
}

/// <summary>
/// Delivers what is due in the outbox: finds the people, writes the words, sends through the channel, and records the
/// attempt. A message is leased before it is sent, and its id goes with it as the idempotency key, so a crash between
/// sending and recording sends it again under the same key (a receiver that honours the key keeps one) and never loses
/// it. A failed attempt waits `notifications.retry[n]`; after the last, the message is marked failed. A slow or dead
/// channel costs only this background work: jobs never wait for it.
/// </summary>
internal sealed partial class NotificationDelivery(
    IOutboxStore store,
    IOptions<NotificationOptions> options,
    ChannelSet channels,
    People people,
    SecretScrubber scrubber,
    IEnumerable<INotificationObserver> observers,
    TimeProvider clock,
    ILogger<NotificationDelivery> logger) : IDisposable
{
    private const int Batch = 50;
    /// <summary>Rounds of one pass; what is left waits for the next pass (every few seconds, or the next trigger).</summary>
    private const int MaxRounds = 20;
    private readonly SemaphoreSlim _onePass = new(1, 1);
    private volatile bool _again;

    public void Dispose() => _onePass.Dispose();

    /// <returns>How many messages were attempted.</returns>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        _again = true;
        // One pass at a time in this process: a second caller's messages are picked up by the pass running now.
        if (!await _onePass.WaitAsync(0, cancellationToken).ConfigureAwait(false)) return 0;
        try
        {
            var attempted = 0;
            for (var round = 0; round < MaxRounds && _again; round++)
            {
                _again = false;
                var due = await store.ListDueOutboxAsync(clock.GetUtcNow().UtcDateTime, Batch, cancellationToken).ConfigureAwait(false);
                // Each message on its own: a dead SMTP server's timeouts do not hold up a webhook's message.
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                    async (message, ct) => await DeliverAsync(message, ct).ConfigureAwait(false)).ConfigureAwait(false);
                attempted += due.Count;
                if (due.Count == Batch) _again = true;
            }
            return attempted;
        }
        finally
        {
            _onePass.Release();
        }
    }

    private async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var timeout = TimeSpan.FromSeconds(settings.Timeout);
        // The lease: until it runs out, no other pass (or node) takes the message.
        message.NextAttemptAt = clock.GetUtcNow().UtcDateTime + timeout + timeout + TimeSpan.FromSeconds(30);
        await store.SaveOutboxAsync(message, cancellationToken).ConfigureAwait(false);

        string? error = null;
        var giveUp = false;
        try
        {
            var channel = channels.Get(message.Channel);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(timeout);
            var recipients = new List<string>();
            var unknown = new List<string>();
            if (channel.ToPeople && message.JobId is not null)
                (recipients, unknown) = await people.OfAsync(message, attempt.Token).ConfigureAwait(false);
            var outgoing = Scrubbed(message, scrubber);
            var text = MessageText.Render(outgoing);
            text = new RenderedMessage(scrubber.Scrub(text.Subject), scrubber.Scrub(text.Body));
            var went = await channel.SendAsync(outgoing, text, recipients, attempt.Token).ConfigureAwait(false);
            message.Recipients = [.. went, .. unknown.Select(u => $"(no address for {u})")];
        }
        catch (NobodyToTellException ex)
        {
            error = ex.Message;
            giveUp = true;
        }
        catch (UnknownChannelException ex)
        {
            error = ex.Message;
            giveUp = true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within notifications.timeout ({settings.Timeout} s)";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = Describe(ex);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        message.Attempts.Add(new OutboxAttempt(now, error));
        string result;
        if (error is null)
        {
            message.Status = OutboxStatus.Sent;
            message.DeliveredAt = now;
            result = "sent";
            LogSent(logger, message.Id, message.Channel, string.Join(", ", message.Recipients));
        }
        else
        {
            var failures = message.Attempts.Count(a => a.Error is not null);
            if (giveUp || failures > settings.Retry.Count)
            {
                message.Status = OutboxStatus.Failed;
                result = "failed";
                LogGaveUp(logger, message.Id, message.Channel, failures, error);
            }
            else
            {
                message.NextAttemptAt = now + Durations.Parse(settings.Retry[failures - 1]);
                result = "retry";
                LogRetry(logger, message.Id, message.Channel, failures, message.NextAttemptAt, error);
            }
        }
        // Not the caller's token: what was sent must be recorded even when the pass is being stopped.
        await store.SaveOutboxAsync(message, CancellationToken.None).ConfigureAwait(false);
        foreach (var observer in observers) observer.Attempted(message.Channel, result);
    }

    private static OutboxMessage Scrubbed(OutboxMessage message, SecretScrubber scrubber)
    {
        var payload = JsonNode.Parse(scrubber.Scrub(message.Payload.ToJsonString()))!.AsObject();
        return new OutboxMessage
        {
            Id = message.Id, Topic = message.Topic, Channel = message.Channel, JobId = message.JobId, Payload = payload,
            CreatedAt = message.CreatedAt, Status = message.Status, NextAttemptAt = message.NextAttemptAt,
        };
    }

    /// <summary>The error and its causes in one line (MailKit and HttpClient put the useful part in the inner exception).</summary>
    private static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null && parts.Count < 3; e = e.InnerException) parts.Add(e.Message);
        var text = string.Join(": ", parts.Distinct(StringComparer.Ordinal));
        return text.Length <= 500 ? text : text[..500] + "...";
    }

    [LoggerMessage(6001, LogLevel.Information, "Notification {MessageId} sent through {Channel} to {Recipients}")]
    private static partial void LogSent(ILogger logger, string messageId, string channel, string recipients);

    [LoggerMessage(6002, LogLevel.Warning, "Notification {MessageId} through {Channel} failed (attempt {Attempt}); next try at {NextAttemptAt:o}: {Error}")]
    private static partial void LogRetry(ILogger logger, string messageId, string channel, int attempt, DateTime nextAttemptAt, string error);

    [LoggerMessage(6003, LogLevel.Error, "Notification {MessageId} through {Channel} given up after {Attempts} failed attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string messageId, string channel, int attempts, string error);
}

/// <summary>The channels `notifications.channels` configures, made once.</summary>
internal sealed class ChannelSet(IOptions<NotificationOptions> options, TimeProvider clock)
{
    private readonly Lazy<Dictionary<string, INotificationChannel>> _channels = new(() => Build(options.Value, clock));

    internal INotificationChannel Get(string name) =>
        _channels.Value.TryGetValue(name, out var channel) ? channel
            : throw new UnknownChannelException($"channel '{name}' is no longer in notifications.channels");

    private static Dictionary<string, INotificationChannel> Build(NotificationOptions options, TimeProvider clock)
    {
        var timeout = TimeSpan.FromSeconds(options.Timeout);
        // One client for every webhook (connections pooled, DNS changes seen within minutes).
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = timeout }) { Timeout = timeout };
        return options.Channels.ToDictionary(c => c.Key, c => (INotificationChannel)(c.Value.Type switch
        {
            ChannelOptions.Email => new EmailChannel(c.Value, timeout),
            ChannelOptions.Webhook or ChannelOptions.Slack => new WebhookChannel(c.Value, http, clock),
            _ => new FileChannel(c.Value),
        }), StringComparer.Ordinal);
    }
}

internal sealed class UnknownChannelException(string message) : Exception(message);
