namespace P4Flow.P4Sim.Commands;

/// <summary>
/// The operating system refused a workspace file operation. p4 reports these as "OP: PATH: STRERROR" (its MsgOs
/// messages, "%op%: %arg%: %errmsg%"), e.g. "write: /extra/perforce/journal/journal: No space left on device" as
/// quoted in Perforce's own blog (perforce.com/blog/death-label), and the command fails.
/// </summary>
internal sealed class ClientFileException(string operation, string path, string reason, Exception inner)
    : Exception($"{operation}: {path}: {reason}", inner)
{
    // errno values as .NET's IOException carries them on Unix (HResult is the raw errno).
    private const int NoSpace = 28;
    private const int ReadOnlyFileSystem = 30;
    private const int QuotaExceeded = 122;

    public string Operation { get; } = operation;

    public string Path { get; } = path;

    /// <summary>strerror's text for the errno behind <paramref name="ex"/>, when it is one a full or broken disk gives.</summary>
    public static string? Describe(IOException ex) => (ex?.HResult ?? 0) switch
    {
        NoSpace => "No space left on device",
        ReadOnlyFileSystem => "Read-only file system",
        QuotaExceeded => "Disk quota exceeded",
        _ => null,
    };
}
