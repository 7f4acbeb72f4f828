using System.Text.Json;
using System.Text.Json.Nodes;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications.Channels;

/// <summary>Appends each message as one JSON line to a file: a sink to watch with `tail -f` (the demo's) or to collect.</summary>
internal sealed class FileChannel(ChannelOptions options) : INotificationChannel
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public bool ToPeople => options.People;

    public async Task<IReadOnlyList<string>> SendAsync(OutboxMessage message, RenderedMessage text, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var to = recipients.Concat(options.To).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var line = JsonSerializer.Serialize(new JsonObject
        {
            ["id"] = message.Id,
            ["event"] = message.Topic,
            ["at"] = message.CreatedAt,
            ["to"] = new JsonArray([.. to.Select(t => (JsonNode?)t)]),
            ["subject"] = text.Subject,
            ["text"] = text.Body,
        });
        var path = Path.GetFullPath(options.Path!);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await File.AppendAllTextAsync(path, line + "\n", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
        return to.Count > 0 ? to : [path];
    }
}
