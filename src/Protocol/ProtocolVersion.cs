namespace P4Flow.Protocol;

/// <summary>The agent protocol's version: "MAJOR.MINOR". Minors add optional fields; a new major breaks the wire contract.</summary>
public static class ProtocolVersion
{
    // 1.1: JobEnded (hub -> agent) and CommandResult.containment. 1.2: Hello.job_folders. 1.3: JobEnded.signature.
    public const string Current = "1.3";

    /// <summary>Majors the hub accepts.</summary>
    public static IReadOnlyList<string> AcceptedMajors { get; } = ["1"];

    public static bool IsAccepted(string? version)
    {
        if (string.IsNullOrWhiteSpace(version)) return false;
        var major = version.Split('.')[0];
        return AcceptedMajors.Contains(major, StringComparer.Ordinal);
    }

    /// <summary>How the accepted versions read in a refusal: "1.x".</summary>
    public static IReadOnlyList<string> Accepted { get; } = [.. AcceptedMajors.Select(m => m + ".x")];
}
