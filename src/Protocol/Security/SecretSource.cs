namespace P4Flow.Protocol.Security;

/// <summary>
/// A secret named in configuration by where it is, never by its value: an environment variable or a file only its
/// owner may read. Read when it is needed and held no longer than the use that needs it.
/// </summary>
public static class SecretSource
{
    /// <summary>The mode bits a secret file may have beyond its owner's.</summary>
    private const UnixFileMode OthersOrGroup = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Why the source cannot give the secret, or null when it can (or when none is configured).</summary>
    /// <param name="key">The configuration key the source sits under, e.g. perforce.servers.main.credentials.</param>
    /// <param name="envKey">The name of the key that names an environment variable, e.g. password_env.</param>
    /// <param name="fileKey">The name of the key that names a file, e.g. password_file.</param>
    public static string? Problem(string key, string envKey, string? env, string fileKey, string? file)
    {
        if (!string.IsNullOrEmpty(env) && !string.IsNullOrEmpty(file))
            return $"{key} must name either {envKey} or {fileKey}, not both.";
        if (!string.IsNullOrEmpty(env))
            return string.IsNullOrEmpty(Environment.GetEnvironmentVariable(env))
                ? $"{key}.{envKey} names {env}, which is not set in the orchestrator's environment."
                : null;
        if (string.IsNullOrEmpty(file)) return null;
        var info = new FileInfo(file);
        if (!info.Exists) return $"{key}.{fileKey} {file} does not exist.";
        if (!OperatingSystem.IsWindows() && (info.UnixFileMode & OthersOrGroup) != 0)
            return $"{key}.{fileKey} {file} may be read by others (mode {Convert.ToString((int)info.UnixFileMode, 8)}); make it 0600.";
        return info.Length is 0 or > 4096 ? $"{key}.{fileKey} {file} must hold one secret (1 to 4096 bytes)." : null;
    }

    /// <summary>The secret, without the line end a file usually has; null when none is configured.</summary>
    public static string? Read(string? env, string? file)
    {
        if (!string.IsNullOrEmpty(env)) return Environment.GetEnvironmentVariable(env);
        if (string.IsNullOrEmpty(file)) return null;
        return File.ReadAllText(file).TrimEnd('\r', '\n');
    }
}
