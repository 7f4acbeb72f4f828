namespace P4Flow.P4Sim.Cli;

/// <summary>
/// Who runs the command, against which depot and workspace, from where; with the credentials the client
/// holds: P4PASSWD (null when unset) and the tickets and trust files it reads.
/// </summary>
internal sealed record ConnectionSettings(string Port, string User, string Client, string Host, string CurrentDirectory)
{
    public string? Password { get; init; }

    public string TicketsFile { get; init; } = "";

    public string TrustFile { get; init; } = "";
}
