using System.Net;
using System.Net.Sockets;

namespace P4Flow.TestSupport;

/// <summary>127.0.0.1, the only address the tests bind.</summary>
public static class Loopback
{
    // Below Linux's ephemeral range (32768-60999): the kernel never hands these out for an outgoing connection or a
    // bind to port 0, so no other process takes one by chance between our check and the server binding it.
    private const int FirstPort = 20000;
    private const int LastPort = 32000;
    private static readonly string LockDir = Path.Combine(Path.GetTempPath(), "p4flow-test-ports");
    // Held until this test process exits: its flock tells every other test process the port is taken.
    private static readonly List<FileStream> Reserved = [];
    private static int _next = FirstPort + Random.Shared.Next(LastPort - FirstPort);

    /// <summary>
    /// A TCP port on 127.0.0.1 that is free now and that no other test, in this process or another, is handed until
    /// this process ends: a process given it may bind it later without racing tests that run in parallel.
    /// </summary>
    public static int FreePort()
    {
        lock (Reserved)
        {
            Directory.CreateDirectory(LockDir);
            for (var tried = 0; tried <= LastPort - FirstPort; tried++)
            {
                var port = _next;
                _next = port == LastPort ? FirstPort : port + 1;
                if (TryReserve(port)) return port;
            }
        }
        throw new InvalidOperationException($"No free port left between {FirstPort} and {LastPort}.");
    }

    private static bool TryReserve(int port)
    {
        FileStream held;
        try
        {
            // On Unix FileShare.None takes an exclusive flock, which other processes see.
            held = new FileStream(Path.Combine(LockDir, port.ToString(System.Globalization.CultureInfo.InvariantCulture)), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return false; // another test process holds it
        }
        if (!IsFree(port))
        {
            held.Dispose();
            return false;
        }
        Reserved.Add(held);
        return true;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
