namespace P4Flow.P4Sim.Security;

/// <summary>
/// A simulator P4PORT: the absolute path of the depot folder, optionally prefixed with a protocol as
/// real ports are ("ssl:/srv/depot" is the same depot reached over SSL, "tcp:/srv/depot" the plain form).
/// </summary>
internal sealed record ServerAddress(string Port, string Folder, bool Ssl)
{
    private static readonly string[] SslPrefixes = ["ssl:", "ssl4:", "ssl6:", "ssl46:", "ssl64:"];
    private static readonly string[] TcpPrefixes = ["tcp:", "tcp4:", "tcp6:", "tcp46:", "tcp64:"];

    /// <summary>
    /// The key of this server's lines in the tickets and trust files. Real p4 writes the address it was given and
    /// puts "localhost:" before one without a colon, which a folder path is: "localhost:/srv/depot".
    /// </summary>
    public string FileKey => Folder.Contains(':', StringComparison.Ordinal) ? Folder : "localhost:" + Folder;

    /// <summary>The peer as p4's trust messages name it; for the simulator, the depot folder.</summary>
    public string Peer => Folder;

    /// <summary>The address, or null when it names no existing absolute folder (the server is unreachable).</summary>
    public static ServerAddress? Parse(string port)
    {
        var ssl = SslPrefixes.FirstOrDefault(p => port.StartsWith(p, StringComparison.Ordinal));
        var tcp = TcpPrefixes.FirstOrDefault(p => port.StartsWith(p, StringComparison.Ordinal));
        var folder = ssl is not null ? port[ssl.Length..] : tcp is not null ? port[tcp.Length..] : port;
        return Path.IsPathRooted(folder) && Directory.Exists(folder) ? new ServerAddress(port, folder, ssl is not null) : null;
    }
}
