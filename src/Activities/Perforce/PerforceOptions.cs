using Microsoft.Extensions.Configuration;
using P4Flow.Activities.Perforce.Servers;

namespace P4Flow.Activities.Perforce;

/// <summary>The `perforce:` section of master.yaml: which servers, as whom, and how long each stage's commands may take.</summary>
public sealed class PerforceOptions
{
    public const string Section = "perforce";

    /// <summary>The p4 program: a name on PATH or an absolute path; agents accept only allow-listed executables.</summary>
    [ConfigurationKeyName("executable")]
    public string Executable { get; set; } = "p4";

    public const string DefaultName = "default";

    /// <summary>The servers jobs may name, by name (letters, digits, '.', '_', '-': it also names their tickets file).</summary>
    [ConfigurationKeyName("servers")]
    public Dictionary<string, PerforceServerOptions> Servers { get; } = new(StringComparer.Ordinal);

    /// <summary>The server of a job that names none; may be left out when there is one server.</summary>
    [ConfigurationKeyName("default_server")]
    public string? DefaultServer { get; set; }

    /// <summary>
    /// Lets a job name a raw P4PORT (its `p4port` input) instead of a configured server: for trials and tests against
    /// throwaway servers. Such a server gets the default server's user and charset and never a password.
    /// </summary>
    [ConfigurationKeyName("allow_job_ports")]
    public bool AllowJobPorts { get; set; }

    /// <summary>Seconds between the P4_SERVER_DOWN playbook's `p4 info` looks at a server that is down, until it answers again.</summary>
    [ConfigurationKeyName("recovery_check_interval")]
    public int RecoveryCheckInterval { get; set; } = 15;

    /// <summary>Shorthand for a single server without a password: `port` and `user` make the server named "default".</summary>
    [ConfigurationKeyName("port")]
    public string? Port { get; set; }

    [ConfigurationKeyName("user")]
    public string? User { get; set; }

    /// <summary>Job workspaces are named PREFIX + job id.</summary>
    [ConfigurationKeyName("client_prefix")]
    public string ClientPrefix { get; set; } = "p4flow-";

    /// <summary>
    /// Seconds a whole stage may take, by stage (the seed's stage timeouts; see <see cref="StageBudget"/>); commands of
    /// other stages get <see cref="DefaultTimeout"/> each. NEEDS_RESOLVE has none: it waits for a person, for as long as
    /// <see cref="NeedsResolveDeadline"/> allows, and a budget counted from when it parked would fail every job parked
    /// longer at its next check.
    /// </summary>
    [ConfigurationKeyName("stage_timeouts")]
    public Dictionary<string, int> StageTimeouts { get; } = new(StringComparer.Ordinal)
    {
        ["SYNC"] = 600,
        ["INTEGRATE"] = 1800,
        ["RESOLVE_PASS_1"] = 600,
        ["RESOLVE_PASS_2"] = 600,
        ["RESOLVE_CHECK"] = 600,
        ["SHELVE"] = 300,
        ["P4PUSH"] = 1200,
    };

    /// <summary>Where job directories are made when commands run on this host (no agent).</summary>
    [ConfigurationKeyName("workspace_root")]
    public string WorkspaceRoot { get; set; } = "data/workspaces";

    [ConfigurationKeyName("default_timeout")]
    public int DefaultTimeout { get; set; } = 600;

    /// <summary>Seconds a job may wait in NEEDS_RESOLVE for a person before it fails TIMEOUT; 0: as long as it takes.</summary>
    [ConfigurationKeyName("needs_resolve_deadline")]
    public int NeedsResolveDeadline { get; set; }

    [ConfigurationKeyName(P4CircuitBreakerOptions.Section)]
    public P4CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    public TimeSpan TimeoutFor(string? stage) =>
        TimeSpan.FromSeconds(stage is not null && StageTimeouts.TryGetValue(stage, out var seconds) ? seconds : DefaultTimeout);

    public string ClientFor(string jobId) => ClientPrefix + jobId;

    /// <summary>The servers as configured, or the one the shorthand keys describe.</summary>
    public IReadOnlyDictionary<string, PerforceServerOptions> EffectiveServers => Servers.Count > 0
        ? Servers
        : new Dictionary<string, PerforceServerOptions>(StringComparer.Ordinal) { [DefaultName] = new() { Port = Port ?? "perforce:1666", User = User ?? "p4flow" } };

    public IEnumerable<string> ServerNames => EffectiveServers.Keys.Order(StringComparer.Ordinal);

    /// <summary>The server called <paramref name="name"/>, or the default one for null; null when there is no such server.</summary>
    public P4Server? ServerFor(string? name)
    {
        var servers = EffectiveServers;
        name ??= DefaultServer ?? (servers.Count == 1 ? servers.Keys.First() : null);
        return name is not null && servers.TryGetValue(name, out var server) ? new P4Server(name, server) : null;
    }
}
