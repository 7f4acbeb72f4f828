using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Agent.Execution;
using P4Flow.Agent.State;
using P4Flow.Protocol;
using P4Flow.Protocol.Certificates;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Connection;

/// <summary>
/// Keeps one stream open to the hub: Hello, the sync of pending commands, then commands, pings and cancels for as
/// long as the stream lives; on any loss it reconnects with backoff. On stop it drains running commands first.
/// </summary>
internal sealed partial class HubClient(
    CommandExecutor executor,
    JobWorkspaces workspaces,
    ResultCache cache,
    HubLink link,
    AgentIdentity identity,
    IOptions<HubOptions> hub,
    IOptions<ReconnectOptions> reconnect,
    IOptions<ExecutionOptions> execution,
    ILogger<HubClient> logger) : BackgroundService
{
    private readonly CancellationTokenSource _connection = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _connection.Token);
        var backoff = new Backoff(TimeSpan.FromSeconds(reconnect.Value.MinDelay), TimeSpan.FromSeconds(reconnect.Value.MaxDelay));
        var addresses = hub.Value.Addresses;
        // A hub's "come back in N s" (Goodbye's retry_after) holds for that hub only, not for the others.
        var notBefore = new long[addresses.Count];
        var next = 0;
        while (!stop.IsCancellationRequested)
        {
            string reason;
            TimeSpan? retryAfter = null;
            var address = addresses[next];
            try
            {
                (reason, retryAfter) = await RunConnectionAsync(address, backoff, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (RpcException ex)
            {
                reason = $"{ex.StatusCode}: {ex.Status.Detail}";
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
            {
                reason = ex.Message;
            }
            if (retryAfter is { } wait) notBefore[next] = Environment.TickCount64 + (long)wait.TotalMilliseconds;
            // The next hub at once (its node may be the one that lives on); after a whole round, the backoff.
            next = (next + 1) % addresses.Count;
            var delay = next == 0 ? backoff.Next() : TimeSpan.Zero;
            var held = TimeSpan.FromMilliseconds(Math.Max(0, notBefore[next] - Environment.TickCount64));
            if (held > delay) delay = held;
            AgentLog.Disconnected(logger, $"{address.Authority}: {reason}", delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain while still connected, so finished commands reach the hub; then close the stream.
        await executor.DrainAsync(TimeSpan.FromSeconds(execution.Value.DrainTimeout)).ConfigureAwait(false);
        await _connection.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _connection.Dispose();
        base.Dispose();
    }

    /// <returns>Why the stream ended and, if the hub said so, how long to wait before the next try.</returns>
    private async Task<(string Reason, TimeSpan? RetryAfter)> RunConnectionAsync(Uri address, Backoff backoff, CancellationToken stoppingToken)
    {
        var settings = hub.Value;
        using var certificate = CertificateFiles.LoadWithKey(settings.Ssl.CertFile, settings.Ssl.KeyFile);
        using var ca = CertificateFiles.Load(settings.Ssl.CaFile);
        using var channel = HubChannel.Create(address, certificate, ca, reason => AgentLog.HubCertificateRefused(logger, reason));
        var client = new AgentHub.AgentHubClient(channel);
        AgentLog.Connecting(logger, address, identity.Id);

        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var call = client.Connect(cancellationToken: callCts.Token);
        var outbox = Channel.CreateUnbounded<AgentMessage>(new UnboundedChannelOptions { SingleReader = true });
        var writer = WriteAsync(call.RequestStream, outbox.Reader, callCts.Token);
        try
        {
            outbox.Writer.TryWrite(new AgentMessage { Hello = identity.Hello(cache.LastCmdId, executor.Load, executor.MaxConcurrent, workspaces.Folders()) });
            var responses = call.ResponseStream;
            if (!await responses.MoveNext(callCts.Token).ConfigureAwait(false)) return ("the hub ended the call before answering Hello", null);
            var first = responses.Current;
            if (first.BodyCase == HubMessage.BodyOneofCase.AuthFailed)
            {
                AgentLog.Refused(logger, first.AuthFailed.Reason, string.Join(", ", first.AuthFailed.AcceptedVersions));
                return ($"refused: {first.AuthFailed.Reason}", null);
            }

            // From here results go to this stream; the sync answers (already done, or run now) follow in order.
            link.Attach(outbox.Writer);
            var pending = first.BodyCase == HubMessage.BodyOneofCase.SyncRequired ? first.SyncRequired.PendingCommands : [];
            AgentLog.Connected(logger, identity.Id, pending.Count);
            backoff.Reset();
            foreach (var command in pending) executor.Accept(command);

            while (await responses.MoveNext(callCts.Token).ConfigureAwait(false))
            {
                var message = responses.Current;
                switch (message.BodyCase)
                {
                    case HubMessage.BodyOneofCase.Command:
                        executor.Accept(message.Command);
                        break;
                    case HubMessage.BodyOneofCase.Ping:
                        outbox.Writer.TryWrite(new AgentMessage { Pong = new Pong { Seq = message.Ping.Seq, Load = executor.Load } });
                        break;
                    case HubMessage.BodyOneofCase.Cancel:
                        executor.Cancel(message.Cancel.CmdId, message.Cancel.Reason);
                        break;
                    case HubMessage.BodyOneofCase.JobEnded:
                        _ = workspaces.EndAsync(message.JobEnded);
                        break;
                    case HubMessage.BodyOneofCase.SyncRequired:
                        foreach (var command in message.SyncRequired.PendingCommands) executor.Accept(command);
                        break;
                    case HubMessage.BodyOneofCase.Goodbye:
                        AgentLog.Goodbye(logger, message.Goodbye.Reason, message.Goodbye.RetryAfter?.ToTimeSpan().TotalSeconds ?? 0);
                        return ($"the hub said goodbye: {message.Goodbye.Reason}", message.Goodbye.RetryAfter?.ToTimeSpan());
                    case HubMessage.BodyOneofCase.AuthFailed:
                        AgentLog.Refused(logger, message.AuthFailed.Reason, string.Join(", ", message.AuthFailed.AcceptedVersions));
                        return ($"refused: {message.AuthFailed.Reason}", null);
                }
            }
            return ("the hub ended the stream", null);
        }
        finally
        {
            link.Detach(outbox.Writer);
            outbox.Writer.TryComplete();
            await callCts.CancelAsync().ConfigureAwait(false);
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException or IOException or InvalidOperationException)
            {
                // The stream is gone either way.
            }
        }
    }

    private static async Task WriteAsync(IClientStreamWriter<AgentMessage> stream, ChannelReader<AgentMessage> outbox, CancellationToken cancellationToken)
    {
        await foreach (var message in outbox.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
    }
}
