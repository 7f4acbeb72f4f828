using System.Threading.Channels;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Connection;

/// <summary>
/// The current stream to the hub, if any. Results produced while the agent is disconnected have nowhere to go but
/// the result cache; the hub asks for them again (SyncRequired) when the agent is back.
/// </summary>
internal sealed class HubLink
{
    private ChannelWriter<AgentMessage>? _current;

    public bool IsConnected => Volatile.Read(ref _current) is not null;

    public void Attach(ChannelWriter<AgentMessage> writer) => Volatile.Write(ref _current, writer);

    public void Detach(ChannelWriter<AgentMessage> writer) => Interlocked.CompareExchange(ref _current, null, writer);

    public bool TrySend(AgentMessage message) => Volatile.Read(ref _current)?.TryWrite(message) ?? false;
}
