using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Configuration;

// Each failure names the key as written in config/master.yaml, so a bad value is found at once.

internal sealed class ServerOptionsValidation : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options) => Checks.Result(
        Checks.Port("server.port", options.Port),
        Checks.Port("server.http_port", options.HttpPort),
        System.Net.IPAddress.TryParse(options.Host, out _) || options.Host == "localhost" ? null : $"server.host must be an IP address or localhost (got '{options.Host}').");
}

internal sealed class StateManagementOptionsValidation : IValidateOptions<StateManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, StateManagementOptions options) => Checks.Result(
        options.Type is "sqlite" or "memory" ? null : $"state_management.type must be sqlite or memory (got '{options.Type}').",
        Checks.Range("state_management.resolve_check_interval", options.ResolveCheckInterval, 1, 86_400),
        Checks.Range("state_management.max_history_per_job", options.MaxHistoryPerJob, 1, 100_000),
        options.Type == "sqlite" && string.IsNullOrWhiteSpace(options.SqlitePath) ? "state_management.sqlite_path must not be empty." : null);
}

internal sealed class MonitoringOptionsValidation : IValidateOptions<MonitoringOptions>
{
    private static readonly string[] Levels = ["DEBUG", "INFO", "WARNING", "ERROR"];

    public ValidateOptionsResult Validate(string? name, MonitoringOptions options) => Checks.Result(
        Checks.Port("monitoring.metrics_port", options.MetricsPort),
        Levels.Contains(options.LogLevel.ToUpperInvariant()) ? null : $"monitoring.log_level must be one of {string.Join(", ", Levels)} (got '{options.LogLevel}').",
        options.LogFormat is "json" or "text" ? null : $"monitoring.log_format must be json or text (got '{options.LogFormat}').");
}

internal sealed class ResourcesOptionsValidation : IValidateOptions<ResourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, ResourcesOptions options) => Checks.Result(
        Checks.Range("resources.max_concurrent_jobs", options.MaxConcurrentJobs, 1, 10_000),
        Checks.Range("resources.max_agents", options.MaxAgents, 1, 100_000),
        Checks.Range("resources.connection_timeout", options.ConnectionTimeout, 1, 86_400));
}

internal static class Checks
{
    public static string? Port(string key, int value) => Range(key, value, 1, 65_535);

    public static string? Range(string key, int value, int min, int max) =>
        value < min || value > max ? $"{key} must be between {min} and {max} (got {value})." : null;

    public static ValidateOptionsResult Result(params string?[] failures)
    {
        var found = failures.OfType<string>().ToList();
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}
