namespace P4Flow.Protocol;

/// <summary>
/// Commands that the runner (an agent, or the orchestrator's local runner) carries out itself instead of starting a
/// program. They are signed and checked like any other command; only args[0] differs, and no other args[0] is ever
/// treated as built-in.
/// </summary>
public static class BuiltInCommands
{
    /// <summary>
    /// Writes text into an existing file of the job's folder: args <c>[WriteFile, path]</c> (absolute inside the job's
    /// folder, such as the clientFile p4 fstat prints, or relative to it), stdin the new content (UTF-8, written as
    /// given: <c>$WORKDIR</c> is not expanded in it). It exists because a person's edited merge of a Perforce conflict
    /// must reach the job's workspace before p4 resolves with it, and neither allow-listed program (p4, git) can write
    /// given text into a file without a shell. See <see cref="WorkspaceFile"/> for what it refuses.
    /// </summary>
    public const string WriteFile = "p4flow-write-file";

    /// <summary>True for a built-in command's args[0]; such a command is not looked up on the executable allow-list.</summary>
    public static bool IsBuiltIn(string? program) => string.Equals(program, WriteFile, StringComparison.Ordinal);

    /// <summary>The args of a <see cref="WriteFile"/> command; send the content as the command's stdin.</summary>
    public static IReadOnlyList<string> WriteFileArgs(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return [WriteFile, path];
    }
}
