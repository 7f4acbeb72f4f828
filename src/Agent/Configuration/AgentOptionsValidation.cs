using Microsoft.Extensions.Options;
using P4Flow.Agent.Execution;

namespace P4Flow.Agent.Configuration;

// Each failure names the key as written in config/agent.yaml.

internal sealed class AgentOptionsValidation : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options) => Checks.Result(
        string.IsNullOrWhiteSpace(options.Workspace) ? "agent.workspace must name the workspace root." : null,
        string.IsNullOrWhiteSpace(options.StateDir) ? "agent.state_dir must name a folder." : null,
        Checks.Range("agent.max_concurrent_commands", options.MaxConcurrentCommands, 1, 1024),
        Checks.Range("agent.max_jobs", options.MaxJobs, 0, 10_000),
        options.CpuCores is >= 0 and <= 1024 ? null : $"agent.cpu_cores must be between 0 (this machine's) and 1024 (got {options.CpuCores}).",
        options.MemoryGb is >= 0 and <= 65_536 ? null : $"agent.memory_gb must be between 0 (this machine's) and 65536 (got {options.MemoryGb}).");
}

internal sealed class HubOptionsValidation : IValidateOptions<HubOptions>
{
    public ValidateOptionsResult Validate(string? name, HubOptions options) => Checks.Result(
        string.IsNullOrWhiteSpace(options.MasterHost) ? "server.master_host must name the hub's host." : null,
        Checks.Range("server.master_port", options.MasterPort, 1, 65_535),
        options.Hubs.Select((h, i) => HubAddress.Parse(h) is null ? $"server.hubs[{i}] must be host:port (got '{h}')." : null).FirstOrDefault(m => m is not null),
        string.IsNullOrWhiteSpace(options.Ssl.CertFile) ? "server.ssl.cert_file must name the agent's certificate." : null,
        string.IsNullOrWhiteSpace(options.Ssl.KeyFile) ? "server.ssl.key_file must name the agent's private key." : null,
        string.IsNullOrWhiteSpace(options.Ssl.CaFile) ? "server.ssl.ca_file must name the CA certificate." : null);
}

internal sealed partial class ExecutionOptionsValidation : IValidateOptions<ExecutionOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecutionOptions options) => Checks.Result(
        Checks.Range("execution.drain_timeout", options.DrainTimeout, 0, 86_400),
        Checks.Range("execution.max_output_chars", options.MaxOutputChars, 1024, 256 * 1024 * 1024),
        Checks.Range("execution.default_timeout", options.DefaultTimeout, 1, 86_400),
        options.AllowedExecutables.FirstOrDefault(p => !Path.IsPathFullyQualified(p)) is { } relative ? $"execution.allowed_executables must hold absolute paths (got '{relative}')." : null,
        options.KillGrace is >= 0 and <= 3600 ? null : $"execution.kill_grace must be between 0 and 3600 seconds (got {options.KillGrace}).",
        RunningAsRoot && !options.AllowRoot
            ? "the agent is running as root, where the process limit (execution.limits.processes) does not hold; run it as an unprivileged user, or start it with --allow-root (or set execution.allow_root: true) to run commands as execution.run_as."
            : null,
        options.RunAs.Length == 0 || RunAsName().IsMatch(options.RunAs) ? null : $"execution.run_as must be a user name (got '{options.RunAs}').",
        LaunchPlan.CheckLauncher(options.Launcher),
        LongRange("execution.limits.cpu_seconds", options.Limits.CpuSeconds, 0, 31_536_000),
        LongRange("execution.limits.address_space_mb", options.Limits.AddressSpaceMb, 0, 1L << 30),
        LongRange("execution.limits.file_size_mb", options.Limits.FileSizeMb, 0, 1L << 30),
        LongRange("execution.limits.processes", options.Limits.Processes, 0, 1_000_000),
        options.Limits.CgroupCpus is >= 0 and <= 1024 ? null : $"execution.limits.cgroup_cpus must be between 0 and 1024 (got {options.Limits.CgroupCpus}).",
        LongRange("execution.limits.cgroup_memory_mb", options.Limits.CgroupMemoryMb, 0, 1L << 30));

    /// <summary>Whether this process has root's privileges (the flag that refuses it is tested with a real agent).</summary>
    public static bool RunningAsRoot => Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows();

    private static string? LongRange(string key, long value, long min, long max) =>
        value < min || value > max ? $"{key} must be between {min} and {max} (got {value})." : null;

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial System.Text.RegularExpressions.Regex RunAsName();
}

internal sealed class SecurityOptionsValidation : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options) => Checks.Result(
        options.CommandKeys.Count == 0 ? "security.command_keys must list at least one public key file (the hub's certs/command-signing.pub): unsigned commands are never run." : null,
        options.CommandKeys.FirstOrDefault(f => !File.Exists(f)) is { } missing ? $"security.command_keys names {Path.GetFullPath(missing)}, which does not exist." : UnusableKey(options.CommandKeys),
        Protocol.Security.CommandToken.CheckSecret(options.EffectiveJwtSecret, "security.jwt_secret (or the JWT_SECRET environment variable)"));

    /// <summary>A key file that cannot be read, or is not an RSA public key of an accepted size, said at start rather than at the first command.</summary>
    private static string? UnusableKey(IEnumerable<string> files)
    {
        try
        {
            foreach (var key in Protocol.Security.CommandSignature.LoadPublicKeys(files).Values) key.Dispose();
            return null;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return "security.command_keys: " + ex.Message;
        }
    }
}

internal sealed class CacheOptionsValidation : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options) => Checks.Result(
        Checks.Range("cache.max_entries", options.MaxEntries, 10, 10_000_000),
        options.MaxAgeHours is > 0 and <= 87_600 ? null : $"cache.max_age_hours must be between 0 and 87600 (got {options.MaxAgeHours}).");
}

internal sealed class ReconnectOptionsValidation : IValidateOptions<ReconnectOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconnectOptions options) => Checks.Result(
        options.MinDelay is > 0 and <= 3600 ? null : $"reconnect.min_delay must be between 0 and 3600 seconds (got {options.MinDelay}).",
        options.MaxDelay >= options.MinDelay && options.MaxDelay <= 3600 ? null : $"reconnect.max_delay must be between reconnect.min_delay and 3600 seconds (got {options.MaxDelay}).");
}

internal static class Checks
{
    public static string? Range(string key, int value, int min, int max) =>
        value < min || value > max ? $"{key} must be between {min} and {max} (got {value})." : null;

    public static ValidateOptionsResult Result(params string?[] failures)
    {
        var found = failures.OfType<string>().ToList();
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}
