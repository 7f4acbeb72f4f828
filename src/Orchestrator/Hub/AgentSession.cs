using System.Net;
using System.Threading.Channels;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

public enum AgentState
{
    Healthy,
    Timeout,
    Disconnected,
}

/// <summary>
/// One open stream of one agent. Everything the hub sends goes through its outbox, which a single writer drains in
/// order; closing it with a last message (Goodbye, AuthFailed) ends the call once that message is written.
/// </summary>
public sealed class AgentSession(string agentId, Hello hello, IPAddress address, ChannelWriter<HubMessage> outbox, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private long _bytesSent;
    private long _probeSeq;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, TaskCompletionSource> _probes = new();

    public string AgentId { get; } = agentId;
    public Hello Hello { get; } = hello;
    public IPAddress Address { get; } = address;
    public DateTimeOffset ConnectedAt { get; } = clock.GetUtcNow();
    public string? CloseReason { get; private set; }
    public bool IsClosed => CloseReason is not null;
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    // Health, guarded by _lock.
    public AgentState State { get; private set; } = AgentState.Healthy;
    public int MissedPongs { get; private set; }
    private long _pingSeq;
    private long? _awaitingSeq;
    private DateTimeOffset _pingSentAt;
    private DateTimeOffset _lastPingAt = DateTimeOffset.MinValue;

    public bool TrySend(HubMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!outbox.TryWrite(message)) return false;
        Interlocked.Add(ref _bytesSent, message.CalculateSize());
        return true;
    }

    /// <summary>Ends the stream after <paramref name="last"/> (if any) is written.</summary>
    public void Close(string reason, HubMessage? last = null)
    {
        lock (_lock)
        {
            if (CloseReason is not null) return;
            CloseReason = reason;
        }
        if (last is not null) TrySend(last);
        outbox.TryComplete();
    }

    /// <summary>One health step: counts a missed pong, sends the next ping when due. Returns the state it moved to, if it changed.</summary>
    public AgentState? Tick(DateTimeOffset now, TimeSpan interval, TimeSpan pongTimeout, int maxMissed)
    {
        AgentState? changed = null;
        long? ping = null;
        lock (_lock)
        {
            if (_awaitingSeq is not null && now - _pingSentAt >= pongTimeout)
            {
                _awaitingSeq = null;
                MissedPongs++;
                if (MissedPongs >= maxMissed && State == AgentState.Healthy) changed = State = AgentState.Timeout;
            }
            if (_awaitingSeq is null && now - _lastPingAt >= interval)
            {
                ping = _awaitingSeq = ++_pingSeq;
                _pingSentAt = _lastPingAt = now;
            }
        }
        if (ping is { } seq) TrySend(new HubMessage { Ping = new Ping { Seq = seq } });
        return changed;
    }

    /// <summary>
    /// One ping outside the health schedule, answered like any other: the round trip of the stream itself (what a
    /// command costs beyond running it). Probe pings count down from -1 so they never meet the health pings.
    /// </summary>
    public async Task<TimeSpan> ProbeAsync(CancellationToken cancellationToken)
    {
        var seq = Interlocked.Decrement(ref _probeSeq);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes[seq] = answered;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            if (!TrySend(new HubMessage { Ping = new Ping { Seq = seq } })) throw new InvalidOperationException($"The stream of agent {AgentId} is closed.");
            await answered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return clock.Elapsed;
        }
        finally
        {
            _probes.TryRemove(seq, out _);
        }
    }

    /// <summary>A pong arrived; returns true when it brought the agent back from TIMEOUT.</summary>
    public bool OnPong(long seq)
    {
        if (seq < 0)
        {
            if (_probes.TryGetValue(seq, out var probe)) probe.TrySetResult();
            return false;
        }
        lock (_lock)
        {
            if (_awaitingSeq != seq) return false;
            _awaitingSeq = null;
            MissedPongs = 0;
            if (State != AgentState.Timeout) return false;
            State = AgentState.Healthy;
            return true;
        }
    }
}
