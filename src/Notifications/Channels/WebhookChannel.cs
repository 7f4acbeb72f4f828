using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using P4Flow.Protocol.Security;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications.Channels;

/// <summary>
/// POSTs a message as JSON: the generic form (the event's whole payload with the message's words, signed as
/// <see cref="WebhookSignature"/> says) or the Slack-compatible form ({"text": ...}) for incoming webhooks.
/// </summary>
internal sealed class WebhookChannel(ChannelOptions options, HttpClient http, TimeProvider clock) : INotificationChannel
{
    public bool ToPeople => false;

    public async Task<IReadOnlyList<string>> SendAsync(OutboxMessage message, RenderedMessage text, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var slack = options.Type == ChannelOptions.Slack;
        var url = slack ? SecretSource.Read(options.UrlEnv, options.UrlFile) : options.Url;
        var uri = new Uri(url ?? throw new InvalidOperationException("The channel has no address."));
        var body = slack ? SlackBody(text) : GenericBody(message, text);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.IdempotencyHeader, message.Id);
        request.Headers.Add(WebhookSignature.EventHeader, message.Topic);
        if (!slack)
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            var secret = SecretSource.Read(options.SecretEnv, options.SecretFile) ?? "";
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        }
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase} from {uri.Host}: {Shorten(answer)}", null, response.StatusCode);
        }
        // A Slack URL is a credential: the record names its host only.
        return [slack ? uri.Host : uri.GetLeftPart(UriPartial.Path)];
    }

    internal static byte[] GenericBody(OutboxMessage message, RenderedMessage text)
    {
        var body = (JsonObject)message.Payload.DeepClone();
        body["id"] = message.Id;
        body["subject"] = text.Subject;
        body["text"] = text.Body;
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    private static byte[] SlackBody(RenderedMessage text) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["text"] = $"*{Escape(text.Subject)}*\n{Escape(text.Body)}" });

    /// <summary>Slack's three control characters in text (its documentation: escape &amp;, &lt; and &gt;).</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
