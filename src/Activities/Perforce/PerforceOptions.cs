using Microsoft.Extensions.Configuration;

namespace P4Flow.Activities.Perforce;

/// <summary>The `perforce:` section of master.yaml: which server, as whom, and how long each stage's commands may take.</summary>
public sealed class PerforceOptions
{
    public const string Section = "perforce";

    /// <summary>The p4 program: a name on PATH or an absolute path; agents accept only allow-listed executables.</summary>
    [ConfigurationKeyName("executable")]
    public string Executable { get; set; } = "p4";

    [ConfigurationKeyName("port")]
    public string Port { get; set; } = "perforce:1666";

    [ConfigurationKeyName("user")]
    public string User { get; set; } = "p4flow";

    /// <summary>Job workspaces are named PREFIX + job id.</summary>
    [ConfigurationKeyName("client_prefix")]
    public string ClientPrefix { get; set; } = "p4flow-";

    /// <summary>Seconds a command may run, by stage (the seed's stage timeouts); others get <see cref="DefaultTimeout"/>.</summary>
    [ConfigurationKeyName("stage_timeouts")]
    public Dictionary<string, int> StageTimeouts { get; } = new(StringComparer.Ordinal)
    {
        ["SYNC"] = 600,
        ["INTEGRATE"] = 1800,
        ["RESOLVE_PASS_1"] = 600,
        ["RESOLVE_PASS_2"] = 600,
        ["RESOLVE_CHECK"] = 600,
        ["NEEDS_RESOLVE"] = 600,
        ["SHELVE"] = 300,
        ["P4PUSH"] = 1200,
    };

    /// <summary>Where job directories are made when commands run on this host (no agent).</summary>
    [ConfigurationKeyName("workspace_root")]
    public string WorkspaceRoot { get; set; } = "data/workspaces";

    [ConfigurationKeyName("default_timeout")]
    public int DefaultTimeout { get; set; } = 600;

    [ConfigurationKeyName(P4CircuitBreakerOptions.Section)]
    public P4CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    public TimeSpan TimeoutFor(string? stage) =>
        TimeSpan.FromSeconds(stage is not null && StageTimeouts.TryGetValue(stage, out var seconds) ? seconds : DefaultTimeout);

    public string ClientFor(string jobId) => ClientPrefix + jobId;
}
