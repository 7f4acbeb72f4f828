using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace P4Flow.TestSupport;

/// <summary>
/// A real HTTP server on 127.0.0.1 that keeps every request it is sent. It answers with <see cref="Status"/> (200 by
/// default), and while <see cref="Hold"/> is set it keeps each request waiting, as a receiver that hangs does.
/// </summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedCall> _calls = new();
    private readonly WebApplication _app;

    private WebhookSink(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/hook";
    public IReadOnlyList<ReceivedCall> Calls => [.. _calls];
    public int Status { get; set; } = 200;
    /// <summary>While set, requests are recorded and then kept waiting until it is cleared.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public static async Task<WebhookSink> StartAsync()
    {
        var port = Loopback.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new WebhookSink(app, port);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            sink._calls.Enqueue(new ReceivedCall(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray(), DateTimeOffset.UtcNow));
            if (sink.Hold is { } hold) await hold.Task.WaitAsync(TimeSpan.FromMinutes(10));
            return Results.StatusCode(sink.Status);
        });
        await app.StartAsync();
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedCall(IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
