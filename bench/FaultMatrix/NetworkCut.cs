using System.Net;
using System.Net.Sockets;

namespace P4Flow.FaultMatrix;

/// <summary>
/// A TCP relay between the agent and the hub that the matrix can cut and join again, as a network partition does:
/// while cut, nothing crosses in either direction (bytes wait in the kernel's buffers, new connections wait to be
/// forwarded), no side is told; joined again, what waited flows on, unless a side gave up on its connection meanwhile.
/// </summary>
internal sealed class NetworkCut : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private TaskCompletionSource _joined = Joined();

    public NetworkCut(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port agents dial instead of the hub's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool IsCut => !_joined.Task.IsCompleted;

    public void Cut()
    {
        if (!IsCut) _joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Join() => _joined.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _joined.TrySetResult();
        _listener.Stop();
        lock (_connections) foreach (var connection in _connections) connection.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        _stop.Dispose();
    }

    private static TaskCompletionSource Joined()
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        joined.SetResult();
        return joined;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        lock (_connections) _connections.AddRange([client, upstream]);
        try
        {
            // A connection opened during a cut is not answered until the network is back (the SYN is lost).
            await _joined.Task.WaitAsync(_stop.Token);
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var down = PumpAsync(client.GetStream(), upstream.GetStream(), both.Token);
            var up = PumpAsync(upstream.GetStream(), client.GetStream(), both.Token);
            await Task.WhenAny(down, up);
            await both.CancelAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // One side closed or the relay stopped: the other side is closed below, as TCP would tell it.
        }
        finally
        {
            client.Dispose();
            lock (_connections) _connections.RemoveAll(c => c == client || c == upstream);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, stop);
            if (read == 0) return;
            // Read during a cut: held until the network is back, then delivered (TCP retransmits what was lost).
            await _joined.Task.WaitAsync(stop);
            await to.WriteAsync(buffer.AsMemory(0, read), stop);
        }
    }
}
