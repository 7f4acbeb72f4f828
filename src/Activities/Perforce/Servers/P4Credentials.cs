namespace P4Flow.Activities.Perforce.Servers;

/// <summary>
/// Reads a server's password from its secret source when a login needs it, and only then: it is held no longer than
/// the login command that carries it on standard input.
/// </summary>
public static class P4Credentials
{
    /// <summary>The mode bits a password file may have beyond its owner's.</summary>
    private const UnixFileMode OthersOrGroup = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Why the source cannot give a password (named by its configuration key), or null when it can.</summary>
    public static string? Problem(string key, P4CredentialsOptions credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (!string.IsNullOrEmpty(credentials.PasswordEnv) && !string.IsNullOrEmpty(credentials.PasswordFile))
            return $"{key} must name either password_env or password_file, not both.";
        if (!string.IsNullOrEmpty(credentials.PasswordEnv))
            return string.IsNullOrEmpty(Environment.GetEnvironmentVariable(credentials.PasswordEnv))
                ? $"{key}.password_env names {credentials.PasswordEnv}, which is not set in the orchestrator's environment."
                : null;
        if (string.IsNullOrEmpty(credentials.PasswordFile)) return null;
        var file = new FileInfo(credentials.PasswordFile);
        if (!file.Exists) return $"{key}.password_file {credentials.PasswordFile} does not exist.";
        if (!OperatingSystem.IsWindows() && (file.UnixFileMode & OthersOrGroup) != 0)
            return $"{key}.password_file {credentials.PasswordFile} may be read by others (mode {Convert.ToString((int)file.UnixFileMode, 8)}); make it 0600.";
        return file.Length is 0 or > 4096 ? $"{key}.password_file {credentials.PasswordFile} must hold one password (1 to 4096 bytes)." : null;
    }

    /// <summary>The password, without the line end a file usually has; null when none is configured.</summary>
    public static string? Read(P4CredentialsOptions credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (!string.IsNullOrEmpty(credentials.PasswordEnv)) return Environment.GetEnvironmentVariable(credentials.PasswordEnv);
        if (string.IsNullOrEmpty(credentials.PasswordFile)) return null;
        return File.ReadAllText(credentials.PasswordFile).TrimEnd('\r', '\n');
    }
}
