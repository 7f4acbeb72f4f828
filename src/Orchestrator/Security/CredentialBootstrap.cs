namespace P4Flow.Orchestrator.Security;

/// <summary>
/// First start: with no credentials yet, creates an admin API key and an admin Studio user and writes each
/// secret to its own owner-only file under data/, so nobody is locked out and no secret reaches a log.
/// </summary>
internal sealed partial class CredentialBootstrap(CredentialStore credentials, ILogger<CredentialBootstrap> logger) : IHostedService
{
    public static string KeyFile => Path.GetFullPath(Path.Combine("data", "admin-api-key"));
    public static string PasswordFile => Path.GetFullPath(Path.Combine("data", "admin-password"));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (credentials.HasUsers || credentials.ListApiKeys().Count > 0) return Task.CompletedTask;
        var (_, key) = credentials.CreateApiKey("bootstrap-admin", Roles.Admin);
        WriteSecret(KeyFile, key);
        var password = SecretHashing.NewSecret(18);
        credentials.SetUser("admin", Roles.Admin, password);
        WriteSecret(PasswordFile, password);
        LogCreated(logger, KeyFile, PasswordFile);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void WriteSecret(string path, string secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, secret + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [LoggerMessage(4101, LogLevel.Warning, "No credentials existed: created an admin API key (in {KeyFile}) and the Studio user 'admin' (password in {PasswordFile}). Create your own and delete these files.")]
    private static partial void LogCreated(ILogger logger, string keyFile, string passwordFile);
}
