using Microsoft.Extensions.Configuration;

namespace P4Flow.Orchestrator.Security;

/// <summary>The `auth:` section of master.yaml.</summary>
public sealed class AuthOptions
{
    public const string Section = "auth";

    /// <summary>API keys and Studio users, hashed.</summary>
    [ConfigurationKeyName("credentials_file")]
    public string CredentialsFile { get; set; } = "data/credentials.json";

    /// <summary>Seconds a bearer token from POST /api/auth/token stays valid.</summary>
    [ConfigurationKeyName("token_lifetime")]
    public int TokenLifetime { get; set; } = 3600;

    /// <summary>Key that signs bearer tokens; generated into data/ on first start when not given.</summary>
    [ConfigurationKeyName("token_key_file")]
    public string TokenKeyFile { get; set; } = "data/api-token.key";

    /// <summary>Hours a Studio login lasts.</summary>
    [ConfigurationKeyName("session_hours")]
    public int SessionHours { get; set; } = 8;

    /// <summary>Failed sign-ins with a password one caller may make for one user name per window before it is refused.</summary>
    [ConfigurationKeyName("sign_in_failures")]
    public int SignInFailures { get; set; } = 5;

    /// <summary>Seconds of that window.</summary>
    [ConfigurationKeyName("sign_in_window")]
    public int SignInWindow { get; set; } = 300;
}
