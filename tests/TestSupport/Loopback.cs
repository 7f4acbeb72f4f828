using System.Net;
using System.Net.Sockets;

namespace P4Flow.TestSupport;

/// <summary>127.0.0.1, the only address the tests bind.</summary>
public static class Loopback
{
    /// <summary>A TCP port free on 127.0.0.1 right now, so that parallel tests never fight over a default port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
