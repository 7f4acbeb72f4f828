using P4Flow.Protocol.Security;

namespace P4Flow.Activities.Perforce.Servers;

/// <summary>
/// Reads a server's password from its secret source when a login needs it, and only then: it is held no longer than
/// the login command that carries it on standard input.
/// </summary>
public static class P4Credentials
{
    /// <summary>Why the source cannot give a password (named by its configuration key), or null when it can.</summary>
    public static string? Problem(string key, P4CredentialsOptions credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return SecretSource.Problem(key, "password_env", credentials.PasswordEnv, "password_file", credentials.PasswordFile);
    }

    /// <summary>The password, without the line end a file usually has; null when none is configured.</summary>
    public static string? Read(P4CredentialsOptions credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return SecretSource.Read(credentials.PasswordEnv, credentials.PasswordFile);
    }
}
