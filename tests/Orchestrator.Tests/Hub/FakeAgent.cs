using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using P4Flow.Protocol;
using P4Flow.Protocol.Certificates;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>An agent played by the test over a real mTLS stream: it says what the test wants and answers pings only if told to.</summary>
public sealed class FakeAgent : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<AgentMessage, HubMessage> _call;
    private readonly Task _reader;
    // A client stream takes one write at a time: pongs and the test's own messages queue here.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private volatile int _load;

    private FakeAgent(GrpcChannel channel, AsyncDuplexStreamingCall<AgentMessage, HubMessage> call, bool answerPings)
    {
        _channel = channel;
        _call = call;
        AnswerPings = answerPings;
        _reader = ReadAsync();
    }

    public bool AnswerPings { get; set; }
    public Channel<HubMessage> Received { get; } = Channel.CreateUnbounded<HubMessage>();
    public Exception? Ended { get; private set; }

    public static async Task<FakeAgent> ConnectAsync(Uri address, X509Certificate2 certificate, X509Certificate2 ca, string? agentId = null, string version = ProtocolVersion.Current, bool answerPings = true, IEnumerable<string>? capabilities = null)
    {
        var channel = HubChannel.Create(address, certificate, ca);
        var call = new AgentHub.AgentHubClient(channel).Connect();
        var hello = new Hello { AgentId = agentId ?? CertificateValidation.CommonName(certificate), Version = version, Hostname = "fake", MaxConcurrent = 1 };
        hello.Capabilities.AddRange(capabilities ?? ["p4"]);
        try
        {
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = hello });
        }
        catch (Exception ex) when (ex is IOException or RpcException or InvalidOperationException)
        {
            // With TLS 1.3 a refused client certificate shows after the handshake; the response stream tells why.
        }
        return new FakeAgent(channel, call, answerPings);
    }

    public static X509Certificate2 Certificate(HubHost hub, string name)
    {
        var tls = hub.Tls;
        return CertificateFiles.LoadWithKey(Path.Combine(tls.AgentsDir, name + ".crt"), Path.Combine(tls.AgentsDir, name + ".key"));
    }

    public async Task SendAsync(AgentMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Its pongs carry the load it last reported, as a real agent's carry its current load.
        if (message.BodyCase == AgentMessage.BodyOneofCase.Load) _load = message.Load.Load;
        await _writing.WaitAsync();
        try
        {
            await _call.RequestStream.WriteAsync(message);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>The next message of the given kind from the hub, or the error that ended the stream.</summary>
    public async Task<HubMessage> NextAsync(HubMessage.BodyOneofCase kind, int seconds = 60)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            HubMessage message;
            try
            {
                message = await Received.Reader.ReadAsync(deadline.Token);
            }
            catch (ChannelClosedException) when (Ended is not null)
            {
                throw Ended;
            }
            if (message.BodyCase == kind) return message;
        }
    }

    /// <summary>Waits until the hub ends the stream; the error it ended with (null for a clean end).</summary>
    public async Task<Exception?> EndAsync(int seconds = 60)
    {
        await _reader.WaitAsync(TimeSpan.FromSeconds(seconds));
        return Ended;
    }

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _channel.Dispose();
        _writing.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _call.ResponseStream.ReadAllAsync())
            {
                if (message.BodyCase == HubMessage.BodyOneofCase.Ping && AnswerPings)
                    await SendAsync(new AgentMessage { Pong = new Pong { Seq = message.Ping.Seq, Load = _load } });
                await Received.Writer.WriteAsync(message);
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
            Ended = ex;
        }
        finally
        {
            Received.Writer.TryComplete();
        }
    }
}
