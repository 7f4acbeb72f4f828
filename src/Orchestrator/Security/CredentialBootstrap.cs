using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Security;

/// <summary>
/// First start: with no credentials yet, creates an admin API key and the admin Studio user and writes each secret to
/// its own owner-only file beside the credentials (data/admin-api-key, data/admin-password), so nobody is locked
/// out and no secret reaches a log.
/// </summary>
internal sealed partial class CredentialBootstrap(CredentialStore credentials, IOptions<AuthOptions> options, ILogger<CredentialBootstrap> logger) : IHostedService
{
    public const string AdminUser = "admin";
    public const string AdminKeyName = "bootstrap-admin";

    public string KeyFile => AdminKeyFile(options.Value);

    public string PasswordFile => Beside(options.Value, "admin-password");

    /// <summary>Where the first start wrote the admin API key (the orchestrator's command line reads it from there).</summary>
    public static string AdminKeyFile(AuthOptions auth) => Beside(auth, "admin-api-key");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (credentials.HasUsers || credentials.ListApiKeys().Count > 0) return Task.CompletedTask;
        var (_, key) = credentials.CreateApiKey(AdminKeyName, Roles.Admin);
        SecretFile.Write(KeyFile, key + "\n");
        var password = SecretHashing.NewSecret(18);
        credentials.SetUser(AdminUser, Roles.Admin, password);
        SecretFile.Write(PasswordFile, password + "\n");
        LogCreated(logger, Path.GetDirectoryName(KeyFile)!);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Beside(AuthOptions auth, string name) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(auth.CredentialsFile))!, name);


    // Only the folder is named: a property called like a key or a password would be masked in the log.
    [LoggerMessage(4101, LogLevel.Warning, "No credentials existed: created an admin API key and the Studio user 'admin', their secrets in owner-only files admin-api-key and admin-password in {Folder}. Create your own and delete these files.")]
    private static partial void LogCreated(ILogger logger, string folder);
}
