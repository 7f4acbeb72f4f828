namespace P4Flow.Cli;

/// <summary>A failure to tell the user in one plain message, with the exit code that says what kind it is.</summary>
public class CliException(int exitCode, string message, IReadOnlyList<string>? details = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>Lines under the message: each field the server named, with what is wrong with it.</summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];
}
