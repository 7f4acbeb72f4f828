namespace P4Flow.Activities.Perforce.Servers;

/// <summary>What a p4 command's output says about the connection's credentials and trust (texts in shared/reference and src/P4Sim/REFERENCE.md).</summary>
public static class P4Auth
{
    /// <summary>The ticket has expired or there is none: a login may cure it.</summary>
    public static bool NeedsLogin(P4Output output) =>
        output.Failed && (output.Says("Your session has expired, please login again.") || output.Says("Perforce password (P4PASSWD) invalid or unset."));

    /// <summary>An ssl: server met for the first time: its fingerprint is not in the trust file.</summary>
    public static bool NeedsTrust(P4Output output) => output.Failed && output.Says("can't be established");

    /// <summary>An ssl: server presents a key other than the one trusted: possibly someone in the middle.</summary>
    public static bool IdentityChanged(P4Output output) => output.Failed && output.Says("IDENTIFICATION HAS CHANGED");

    /// <summary>The command's output with why P4Flow did not (or could not) log in put first; classified AUTH.</summary>
    public static P4Output Refused(P4Output output, string why)
    {
        ArgumentNullException.ThrowIfNull(output);
        var result = output.Result with { ExitCode = output.Result.ExitCode == 0 ? 1 : output.Result.ExitCode, Stdout = "", Stderr = $"{why}:\n{output.Text}\n" };
        return P4Output.Parse(result);
    }
}
