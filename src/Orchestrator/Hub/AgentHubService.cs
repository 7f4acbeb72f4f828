using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>
/// The hub's end of an agent's stream: checks who it is (certificate CN, address, whitelist, protocol version),
/// admits it to the pool, then relays what it sends until the stream ends. TLS has already checked the certificate
/// chain; the whitelist is checked again here because it may have changed since the handshake.
/// </summary>
public sealed partial class AgentHubService(
    AgentRegistry registry,
    JobFolderReconciler folders,
    WhitelistMonitor whitelist,
    AuditLog audit,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<AgentHubService> logger)
    : AgentHub.AgentHubBase
{
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var address = PeerAddress(context.Peer);
        var commonName = context.AuthContext.FindPropertiesByName("x509_common_name").FirstOrDefault()?.Value;
        if (string.IsNullOrEmpty(commonName))
            throw Refuse(null, address, null, StatusCode.Unauthenticated, "no client certificate was presented");
        if (whitelist.Current.Check(commonName, address, out _) is { } notListed)
        {
            await responseStream.WriteAsync(new HubMessage { AuthFailed = new AuthFailed { Reason = notListed } }).ConfigureAwait(false);
            throw Refuse(commonName, address, null, StatusCode.PermissionDenied, notListed);
        }

        Hello hello;
        using (var helloTimeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken))
        {
            helloTimeout.CancelAfter(HelloTimeout);
            try
            {
                if (!await requestStream.MoveNext(helloTimeout.Token).ConfigureAwait(false)) return;
            }
            catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
            {
                throw Refuse(commonName, address, null, StatusCode.DeadlineExceeded, $"no Hello within {HelloTimeout.TotalSeconds:0} s");
            }
            if (requestStream.Current.BodyCase != AgentMessage.BodyOneofCase.Hello)
                throw Refuse(commonName, address, null, StatusCode.FailedPrecondition, $"the first message must be Hello, not {requestStream.Current.BodyCase}");
            hello = requestStream.Current.Hello;
        }

        if (!ProtocolVersion.IsAccepted(hello.Version))
        {
            var reason = $"protocol version '{hello.Version}' is not accepted; this hub accepts {string.Join(", ", ProtocolVersion.Accepted)}";
            var refusal = new AuthFailed { Reason = reason };
            refusal.AcceptedVersions.AddRange(ProtocolVersion.Accepted);
            await responseStream.WriteAsync(new HubMessage { AuthFailed = refusal }).ConfigureAwait(false);
            throw Refuse(commonName, address, hello, StatusCode.FailedPrecondition, reason);
        }
        if (!string.Equals(hello.AgentId, commonName, StringComparison.Ordinal))
        {
            var reason = $"agent id '{hello.AgentId}' does not match its certificate's CN '{commonName}'";
            await responseStream.WriteAsync(new HubMessage { AuthFailed = new AuthFailed { Reason = reason } }).ConfigureAwait(false);
            throw Refuse(commonName, address, hello, StatusCode.PermissionDenied, reason);
        }

        var outbox = Channel.CreateUnbounded<HubMessage>(new UnboundedChannelOptions { SingleReader = true });
        var session = new AgentSession(hello.AgentId, hello, address, outbox.Writer, clock);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var writer = WriteAsync(responseStream, outbox.Reader, closing);
        var reason2 = "the agent closed the stream";
        // A stream never ends by itself: on shutdown the hub says goodbye, or the host would wait for it.
        using var stopping = lifetime.ApplicationStopping.Register(() => session.Close("the hub is shutting down", new HubMessage { Goodbye = new Goodbye { Reason = "the hub is shutting down" } }));
        var reconciling = Task.CompletedTask;
        try
        {
            registry.Admit(session);
            // Beside the stream, not before it: a store lookup per folder must not hold up the agent's first results.
            reconciling = Task.Run(() => folders.ReconcileAsync(session, closing.Token), CancellationToken.None);
            while (await requestStream.MoveNext(closing.Token).ConfigureAwait(false))
            {
                var message = requestStream.Current;
                switch (message.BodyCase)
                {
                    case AgentMessage.BodyOneofCase.Result:
                        if (message.Result.Refused)
                            audit.Write(new AuditEvent(AuditLog.CommandRefused, session.AgentId, session.Address.ToString(), AuditEvent.Rejected, $"cmd {message.Result.CmdId}: {message.Result.Error}") { TargetHost = hello.Hostname });
                        registry.OnResult(session, message.Result, fromCache: false);
                        break;
                    case AgentMessage.BodyOneofCase.AlreadyDone:
                        var cached = message.AlreadyDone.CachedResult ?? new CommandResult { ExitCode = -1, Error = "the agent's cache held no result" };
                        cached.CmdId = message.AlreadyDone.CmdId;
                        registry.OnResult(session, cached, fromCache: true);
                        break;
                    case AgentMessage.BodyOneofCase.Output:
                        registry.OnOutput(session, message.Output);
                        break;
                    case AgentMessage.BodyOneofCase.Pong:
                        registry.OnPong(session, message.Pong);
                        break;
                    case AgentMessage.BodyOneofCase.Load:
                        registry.OnLoad(session, message.Load);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason2 = session.CloseReason ?? (context.CancellationToken.IsCancellationRequested ? "the connection was lost" : "closed by the hub");
        }
        catch (IOException ex)
        {
            reason2 = $"the connection was lost: {ex.Message}";
        }
        finally
        {
            registry.Remove(session, session.CloseReason ?? reason2);
            outbox.Writer.TryComplete();
            await writer.ConfigureAwait(false);
            await reconciling.ConfigureAwait(false);
        }
    }

    /// <summary>"ipv4:127.0.0.1:5000" or "ipv6:[::1]:5000" as Grpc.AspNetCore reports the peer.</summary>
    public static IPAddress PeerAddress(string peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var text = peer;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && text[..colon] is "ipv4" or "ipv6") text = text[(colon + 1)..];
        if (IPEndPoint.TryParse(text, out var endPoint)) return AgentWhitelist.Normalize(endPoint.Address);
        return IPAddress.TryParse(text, out var address) ? AgentWhitelist.Normalize(address) : IPAddress.None;
    }

    private RpcException Refuse(string? commonName, IPAddress address, Hello? hello, StatusCode code, string reason)
    {
        audit.Write(new AuditEvent(AuditLog.AgentRejected, hello?.AgentId ?? commonName, address.ToString(), AuditEvent.Rejected, reason) { TargetHost = hello?.Hostname });
        TrustLog.AgentRefused(logger, hello?.AgentId ?? commonName ?? "(no certificate)", address.ToString(), reason);
        return new RpcException(new Status(code, reason));
    }

    /// <summary>The one writer of the response stream; when the outbox is closed and drained, the call ends.</summary>
    private static async Task WriteAsync(IServerStreamWriter<HubMessage> stream, ChannelReader<HubMessage> outbox, CancellationTokenSource closing)
    {
        try
        {
            await foreach (var message in outbox.ReadAllAsync(closing.Token).ConfigureAwait(false))
                await stream.WriteAsync(message, closing.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The stream is gone; the reader notices too.
        }
        finally
        {
            try
            {
                await closing.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The call ended first.
            }
        }
    }
}
