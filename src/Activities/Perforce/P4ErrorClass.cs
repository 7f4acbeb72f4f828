namespace P4Flow.Activities.Perforce;

/// <summary>Why a p4 command failed; decides retries and what the job reports.</summary>
public static class P4ErrorClass
{
    public const string NetworkError = "NETWORK_ERROR";
    public const string Locked = "P4_LOCKED";
    public const string Auth = "AUTH";
    /// <summary>An ssl: server's key is not the configured one: nothing may be sent to it until a person looks.</summary>
    public const string Trust = "TRUST";
    public const string Timeout = "TIMEOUT";
    public const string Conflict = "CONFLICT";
    public const string NothingToDo = "NOTHING_TO_DO";
    /// <summary>The workspace's disk is full or read-only: a person frees space; retrying at once cannot help.</summary>
    public const string DiskFull = "DISK_FULL";
    /// <summary>The agent refused the command before it ran (signature, token, sandbox rule, clocks apart): a person looks.</summary>
    public const string AgentRefused = "AGENT_REFUSED";
    public const string Unknown = "UNKNOWN";

    // Checked in order: a connect failure says nothing else; a lock beats a generic failure.
    private static readonly (string Class, string[] Fragments)[] Rules =
    [
        (NetworkError, ["Connect to server failed", "TCP connect to", "TCP receive failed", "TCP send failed", "Partner exited unexpectedly"]),
        (DiskFull, ["No space left on device", "Disk quota exceeded", "Read-only file system"]),
        (Auth, ["session has expired", "P4PASSWD", "Please login again", "password invalid"]),
        (Locked, ["already locked", "locked by", "couldn't be locked", "can't edit exclusive file", "can't integrate exclusive file", "exclusive file already opened"]),
        (Conflict, ["must resolve", "must sync", "resolve skipped", "Merges still pending", "tampered with before resolve", "Out of date files must be resolved"]),
        (NothingToDo, ["up-to-date", "already integrated", "No files to", "No file(s) to", "no target file(s)"]),
    ];

    /// <summary>Classifies from severity, generic code and text, as the reference describes.</summary>
    public static string Classify(P4Output output)
    {
        if (output.Result.TimedOut) return Timeout;
        if (output.Result.Refused) return AgentRefused;
        var failures = output.Messages.Where(m => m.Severity >= P4Severity.Warning).ToList();
        if (failures.Count == 0) failures = [.. output.Messages];
        // A refused server key arrives as a connection failure, but retrying cannot cure it.
        if (failures.Any(m => m.Text.Contains("IDENTIFICATION HAS CHANGED", StringComparison.Ordinal) || m.Text.Contains("can't be established", StringComparison.Ordinal))) return Trust;
        if (failures.Any(m => m.Generic == P4Output.GenericComm)) return NetworkError;
        foreach (var (errorClass, fragments) in Rules)
        {
            if (failures.Any(m => fragments.Any(f => m.Text.Contains(f, StringComparison.OrdinalIgnoreCase)))) return errorClass;
        }
        return failures.Any(m => m.Generic == P4Output.GenericEmpty) ? NothingToDo : Unknown;
    }
}
