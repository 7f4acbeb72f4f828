using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Configuration;

// Each failure names the key as written in config/master.yaml, so a bad value is found at once.

internal sealed class ServerOptionsValidation : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options) => Checks.Result(
        Checks.Port("server.port", options.Port),
        Checks.Port("server.http_port", options.HttpPort),
        options.HttpsPort == 0 ? null : Checks.Port("server.https_port", options.HttpsPort),
        options.HttpsPort != 0 && (options.HttpsPort == options.HttpPort || options.HttpsPort == options.Port) ? $"server.https_port ({options.HttpsPort}) must differ from server.http_port and server.port." : null,
        System.Net.IPAddress.TryParse(options.Host, out _) || options.Host == "localhost" ? null : $"server.host must be an IP address or localhost (got '{options.Host}').",
        System.Net.IPAddress.TryParse(options.HubHost, out _) || options.HubHost == "localhost" ? null : $"server.hub_host must be an IP address or localhost (got '{options.HubHost}').",
        options.Port == options.HttpPort ? $"server.port and server.http_port must differ (both {options.Port})." : null);
}

internal sealed class StateManagementOptionsValidation : IValidateOptions<StateManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, StateManagementOptions options) => Checks.Result(
        options.Type is StateManagementOptions.Sqlite or StateManagementOptions.Postgresql or StateManagementOptions.Memory ? null : $"state_management.type must be sqlite, postgresql or memory (got '{options.Type}').",
        options.Type == StateManagementOptions.Postgresql ? Postgres(options.Postgres) : null,
        Checks.Range("state_management.resolve_check_interval", options.ResolveCheckInterval, 1, 86_400),
        Checks.Range("state_management.resolve_check_concurrency", options.ResolveCheckConcurrency, 1, 256),
        Checks.Range("state_management.resolve_check_backoff_after", options.ResolveCheckBackoffAfter, 1, 30 * 86_400),
        Checks.Range("state_management.resolve_check_max_interval", options.ResolveCheckMaxInterval, 1, 86_400),
        options.ResolveChecksPerSecond is < 0.1 or > 1000 or double.NaN
            ? $"state_management.resolve_checks_per_second must be between 0.1 and 1000 (got {options.ResolveChecksPerSecond})." : null,
        Checks.Range("state_management.resolve_checks_per_agent", options.ResolveChecksPerAgent, 1, 256),
        Checks.Range("state_management.resolve_check_unused_interval", options.ResolveCheckUnusedInterval, 1, 7 * 86_400),
        Checks.Range("state_management.max_history_per_job", options.MaxHistoryPerJob, 1, 100_000),
        options.Type == StateManagementOptions.Sqlite && string.IsNullOrWhiteSpace(options.SqlitePath) ? "state_management.sqlite_path must not be empty." : null);

    /// <summary>A source that gives a connection string Npgsql can read; the message never shows the string (it holds a password).</summary>
    private static string? Postgres(PostgresOptions options)
    {
        if (string.IsNullOrEmpty(options.ConnectionStringEnv) && string.IsNullOrEmpty(options.ConnectionStringFile))
            return $"{PostgresOptions.Key} must name connection_string_env or connection_string_file when state_management.type is postgresql.";
        if (P4Flow.Protocol.Security.SecretSource.Problem(PostgresOptions.Key, "connection_string_env", options.ConnectionStringEnv, "connection_string_file", options.ConnectionStringFile) is { } problem)
            return problem;
        var key = PostgresOptions.Key + (string.IsNullOrEmpty(options.ConnectionStringEnv) ? ".connection_string_file" : ".connection_string_env");
        try
        {
            var parsed = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString());
            return string.IsNullOrEmpty(parsed.Host) || string.IsNullOrEmpty(parsed.Database)
                ? $"{key}: the connection string must name Host and Database." : null;
        }
        catch (ArgumentException)
        {
            return $"{key}: not a connection string Npgsql can read (Host=...;Port=...;Database=...;Username=...;Password=...).";
        }
    }
}

internal sealed class MonitoringOptionsValidation : IValidateOptions<MonitoringOptions>
{
    private static readonly string[] Levels = ["DEBUG", "INFO", "WARNING", "ERROR"];

    public ValidateOptionsResult Validate(string? name, MonitoringOptions options) => Checks.Result(
        Checks.Port("monitoring.metrics_port", options.MetricsPort),
        Levels.Contains(options.LogLevel.ToUpperInvariant()) ? null : $"monitoring.log_level must be one of {string.Join(", ", Levels)} (got '{options.LogLevel}').",
        options.LogFormat is "json" or "text" ? null : $"monitoring.log_format must be json or text (got '{options.LogFormat}').",
        string.IsNullOrWhiteSpace(options.LogFile) ? "monitoring.log_file must name the log file." : null,
        string.IsNullOrWhiteSpace(options.CommandsLog) ? "monitoring.commands_log must name the command log file." : null,
        !string.IsNullOrWhiteSpace(options.LogFile) && !string.IsNullOrWhiteSpace(options.CommandsLog)
            && string.Equals(Path.GetFullPath(options.LogFile), Path.GetFullPath(options.CommandsLog), StringComparison.Ordinal)
            ? $"monitoring.log_file and monitoring.commands_log must be different files (both '{options.LogFile}')." : null,
        ByteSize.TryParse(options.LogMaxSize, out var size) && size >= ByteSize.MinimumLogSize
            ? null : $"monitoring.log_max_size must be a size of at least 1K such as 512K, 100M or 1G (got '{options.LogMaxSize}').",
        Checks.Range("monitoring.log_max_files", options.LogMaxFiles, 1, 10_000),
        string.IsNullOrWhiteSpace(options.LogArchiveDir) ? "monitoring.log_archive_dir is required (a folder for compressed old logs)." : null,
        Checks.Range("monitoring.log_archive_max_files", options.LogArchiveMaxFiles, 1, 100_000),
        Checks.Range("monitoring.log_archive_max_days", options.LogArchiveMaxDays, 1, 36_500));
}

internal sealed class ResourcesOptionsValidation : IValidateOptions<ResourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, ResourcesOptions options) => Checks.Result(
        Checks.Range("resources.max_concurrent_jobs", options.MaxConcurrentJobs, 1, 10_000),
        Checks.Range("resources.max_agents", options.MaxAgents, 1, 100_000),
        options.CpuCores is >= 0 and <= 1_000_000 ? null : $"resources.cpu_cores must be between 0 (no limit) and 1000000 (got {options.CpuCores}).",
        options.MemoryGb is >= 0 and <= 1_000_000 ? null : $"resources.memory_gb must be between 0 (no limit) and 1000000 (got {options.MemoryGb}).",
        Checks.Range("resources.priority_aging", options.PriorityAging, 1, 604_800),
        Checks.Range("resources.connection_timeout", options.ConnectionTimeout, 1, 86_400));
}

internal sealed class RetriesOptionsValidation : IValidateOptions<RetriesOptions>
{
    public ValidateOptionsResult Validate(string? name, RetriesOptions options) => Checks.Result(
        [.. options.ByErrorClass().SelectMany(p => Policy($"retries.{p.ErrorClass}", p.Policy))]);

    private static string?[] Policy(string key, RetryPolicyOptions policy) =>
    [
        Checks.Range($"{key}.attempts", policy.Attempts, 0, 100),
        RetryPolicyOptions.Backoffs.Contains(policy.Backoff) ? null : $"{key}.backoff must be exponential, linear or fixed (got '{policy.Backoff}').",
        Checks.Range($"{key}.delay", policy.Delay, 1, 86_400),
    ];
}

internal static class Checks
{
    public static string? Port(string key, int value) => Range(key, value, 1, 65_535);

    public static string? Range(string key, int value, int min, int max) =>
        value < min || value > max ? $"{key} must be between {min} and {max} (got {value})." : null;

    public static string? Seconds(string key, double value, double min, double max) =>
        value < min || value > max || double.IsNaN(value) ? $"{key} must be between {min} and {max} seconds (got {value})." : null;

    /// <summary>Polly's own bounds, so a bad value stops the start instead of the first command.</summary>
    public static string?[] CircuitBreaker(string key, P4Flow.Activities.Perforce.P4CircuitBreakerOptions options) =>
    [
        options.FailureRatio is > 0 and <= 1 ? null : $"{key}.failure_ratio must be above 0 and at most 1 (got {options.FailureRatio}).",
        Range($"{key}.minimum_throughput", options.MinimumThroughput, 2, 10_000),
        Seconds($"{key}.sampling_duration", options.SamplingDuration, 0.5, 86_400),
        Seconds($"{key}.break_duration", options.BreakDuration, 0.5, 86_400),
    ];

    public static ValidateOptionsResult Result(params string?[] failures)
    {
        var found = failures.OfType<string>().ToList();
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}

internal sealed class CommandsOptionsValidation : IValidateOptions<CommandsOptions>
{
    public ValidateOptionsResult Validate(string? name, CommandsOptions options) => Checks.Result(
        options.Runner is CommandsOptions.Agents or CommandsOptions.Local ? null : $"commands.runner must be agents or local (got '{options.Runner}').");
}

internal sealed class HubTlsOptionsValidation : IValidateOptions<HubTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, HubTlsOptions options) => Checks.Result(
        string.IsNullOrWhiteSpace(options.CertFile) ? "server.ssl.cert_file must name the hub's certificate." : null,
        string.IsNullOrWhiteSpace(options.KeyFile) ? "server.ssl.key_file must name the hub's private key." : null,
        string.IsNullOrWhiteSpace(options.CaFile) ? "server.ssl.ca_file must name the CA certificate." : null,
        options.HostNames.FirstOrDefault(h => Uri.CheckHostName(h) == UriHostNameType.Unknown) is { } bad ? $"server.ssl.host_names holds '{bad}', which is not a host name." : null,
        P4Flow.Protocol.Security.CommandSignature.KeySizes.Contains(options.CommandKeyBits)
            ? null : $"server.ssl.command_key_bits must be one of {string.Join(", ", P4Flow.Protocol.Security.CommandSignature.KeySizes)} (got {options.CommandKeyBits}).");
}

internal sealed class HubSecurityOptionsValidation : IValidateOptions<HubSecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, HubSecurityOptions options) => Checks.Result(
        string.IsNullOrWhiteSpace(options.AgentWhitelist) ? "security.agent_whitelist must name the whitelist file." : null,
        string.IsNullOrWhiteSpace(options.AuditLog) ? "security.audit_log must name the audit log file." : null,
        ByteSize.TryParse(options.AuditLogMaxSize, out var size) && size >= ByteSize.MinimumLogSize
            ? null : $"security.audit_log_max_size must be a size of at least 1K such as 512K, 100M or 1G (got '{options.AuditLogMaxSize}').",
        Checks.Range("security.token_expiry", options.TokenExpiry, 1, 86_400));
}

internal sealed class AgentsOptionsValidation : IValidateOptions<AgentsOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentsOptions options) => Checks.Result([
        Checks.Seconds("agents.ping_interval", options.PingInterval, 0.05, 3600),
        Checks.Seconds("agents.pong_timeout", options.PongTimeout, 0.05, 3600),
        Checks.Range("agents.max_missed_pongs", options.MaxMissedPongs, 1, 100),
        Checks.Seconds("agents.lost_grace", options.LostGrace, 0, 86_400),
        Checks.Seconds("agents.wait_timeout", options.WaitTimeout, 0, 86_400),
        Checks.Seconds("agents.whitelist_poll_interval", options.WhitelistPollInterval, 0.05, 60),
        string.IsNullOrWhiteSpace(options.Journal) ? "agents.journal must name the hub's journal file." : null,
        .. Checks.CircuitBreaker("agents.circuit_breaker", options.CircuitBreaker)]);
}
