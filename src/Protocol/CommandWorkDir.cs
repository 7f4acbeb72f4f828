namespace P4Flow.Protocol;

/// <summary>
/// A command's stdin may name the absolute path of its job's working directory, which only the host that runs it knows
/// (a client spec's Root needs it): the runner, an agent or the orchestrator's local runner, puts the path in.
/// </summary>
public static class CommandWorkDir
{
    public const string Placeholder = "$WORKDIR";

    public static string Expand(string stdin, string workDir)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        return stdin.Replace(Placeholder, workDir, StringComparison.Ordinal);
    }
}
