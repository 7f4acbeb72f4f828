using Microsoft.Extensions.Configuration;

namespace P4Flow.Activities.Perforce.Servers;

/// <summary>One entry of `perforce.servers`: where a Perforce server is, as whom P4Flow speaks to it, and how it logs in.</summary>
public sealed class PerforceServerOptions
{
    /// <summary>The P4PORT: host:port, tcp:host:port or ssl:host:port.</summary>
    [ConfigurationKeyName("port")]
    public string Port { get; set; } = "";

    /// <summary>Tried when <see cref="Port"/> cannot be reached (a standby of the same server): same depot, same user.</summary>
    [ConfigurationKeyName("backup_port")]
    public string? BackupPort { get; set; }

    [ConfigurationKeyName("user")]
    public string User { get; set; } = "p4flow";

    /// <summary>P4CHARSET: `none` for a non-Unicode server, `utf8` (or another p4 charset) for a Unicode one.</summary>
    [ConfigurationKeyName("charset")]
    public string Charset { get; set; } = "none";

    /// <summary>Where the user's password is kept; none for a server that asks for no password.</summary>
    [ConfigurationKeyName("credentials")]
    public P4CredentialsOptions Credentials { get; set; } = new();

    /// <summary>For an ssl: port, the server's key fingerprint (p4 trust -i); a server showing another key is refused.</summary>
    [ConfigurationKeyName("fingerprint")]
    public string? Fingerprint { get; set; }

    public bool IsSsl => SslTransport(Port) || (BackupPort is not null && SslTransport(BackupPort));

    // The transport prefix, not just "ssl": a plain port whose host name starts with "ssl" (sslgate:1666) is no ssl: server.
    private static readonly string[] SslPrefixes = ["ssl:", "ssl4:", "ssl6:", "ssl46:", "ssl64:"];

    private static bool SslTransport(string port) => SslPrefixes.Any(p => port.StartsWith(p, StringComparison.Ordinal));
}

/// <summary>
/// A password's secret source: an environment variable of the orchestrator or a file only its owner may read. Never
/// the YAML itself: master.yaml is read by many and kept in version control.
/// </summary>
public sealed class P4CredentialsOptions
{
    [ConfigurationKeyName("password_env")]
    public string? PasswordEnv { get; set; }

    [ConfigurationKeyName("password_file")]
    public string? PasswordFile { get; set; }

    public bool Configured => !string.IsNullOrEmpty(PasswordEnv) || !string.IsNullOrEmpty(PasswordFile);
}

/// <summary>A server as a job uses it: its name (which also names its tickets and trust files) and its settings.</summary>
public sealed record P4Server(string Name, PerforceServerOptions Options);
