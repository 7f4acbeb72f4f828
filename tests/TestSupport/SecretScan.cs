namespace P4Flow.TestSupport;

/// <summary>Greps every file under a folder for a secret, the way an auditor would after a run.</summary>
public static class SecretScan
{
    /// <summary>
    /// The files under <paramref name="root"/> whose text holds <paramref name="secret"/>. A live agent's agent.lock
    /// is skipped: it is empty by design, and the agent holds it with flock(LOCK_EX), which .NET's own advisory
    /// locking turns into an IOException for any reader in this process.
    /// </summary>
    public static IReadOnlyList<string> FilesHolding(string root, string secret, params string[] except) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "agent.lock" && !except.Contains(f, StringComparer.Ordinal))
            .Where(f => File.ReadAllText(f).Contains(secret, StringComparison.Ordinal))
            .ToList();
}
