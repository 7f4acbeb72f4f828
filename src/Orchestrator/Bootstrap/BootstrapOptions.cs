using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>`bootstrap:` how build hosts are enrolled over SSH.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "bootstrap";

    /// <summary>known_hosts, fingerprint or tofu; a request may name another (any only with allow_any_host_key).</summary>
    [ConfigurationKeyName("host_key_strategy")]
    public string HostKeyStrategy { get; set; } = HostKeyStrategies.KnownHosts;

    [ConfigurationKeyName("known_hosts")]
    public string KnownHosts { get; set; } = "config/known_hosts";

    /// <summary>Keys seen on first use and whether an admin approved them.</summary>
    [ConfigurationKeyName("host_keys")]
    public string HostKeys { get; set; } = "data/bootstrap/host_keys.json";

    /// <summary>Development only: lets the `any` strategy skip host key verification.</summary>
    [ConfigurationKeyName("allow_any_host_key")]
    public bool AllowAnyHostKey { get; set; }

    /// <summary>
    /// The agent build to install: a published folder or a .tar.gz of one. Empty: `dotnet publish src/Agent -r linux-x64
    /// --self-contained` once, cached by content in publish_cache.
    /// </summary>
    [ConfigurationKeyName("agent_package")]
    public string AgentPackage { get; set; } = "";

    /// <summary>The enrolled agents: host, user and layout, for restart and remove.</summary>
    [ConfigurationKeyName("enrolments")]
    public string Enrolments { get; set; } = "data/bootstrap/agents.json";

    /// <summary>Stored SSH private keys: a request's keyRef "credential:NAME" is the file NAME here.</summary>
    [ConfigurationKeyName("ssh_keys_dir")]
    public string SshKeysDir { get; set; } = "data/ssh-keys";

    [ConfigurationKeyName("publish_cache")]
    public string PublishCache { get; set; } = "data/bootstrap/agent-package";

    /// <summary>The address agents dial (it must be named by the hub's certificate); empty: server.hub_host, or this machine's name when that is 0.0.0.0.</summary>
    [ConfigurationKeyName("hub_host")]
    public string HubHost { get; set; } = "";

    /// <summary>The unprivileged user created for the agent when the SSH user may create users.</summary>
    [ConfigurationKeyName("agent_user")]
    public string AgentUser { get; set; } = "p4agent";

    /// <summary>Programs enrolled agents may run (agent.yaml execution.allowed_executables); empty: p4 and git on the agent's PATH.</summary>
    [ConfigurationKeyName("allowed_executables")]
    public List<string> AllowedExecutables { get; set; } = [];

    [ConfigurationKeyName("timeouts")]
    public BootstrapTimeouts Timeouts { get; set; } = new();
}

/// <summary>Seconds each step may take.</summary>
public sealed class BootstrapTimeouts
{
    [ConfigurationKeyName("connect")]
    public double Connect { get; set; } = 20;

    /// <summary>Every step without a timeout of its own.</summary>
    [ConfigurationKeyName("step")]
    public double Step { get; set; } = 60;

    [ConfigurationKeyName("upload")]
    public double Upload { get; set; } = 600;

    [ConfigurationKeyName("agent_connected")]
    public double AgentConnected { get; set; } = 90;
}

public static class HostKeyStrategies
{
    public const string KnownHosts = "known_hosts";
    public const string Fingerprint = "fingerprint";
    public const string Tofu = "tofu";
    public const string Any = "any";

    public static IReadOnlyList<string> All { get; } = [KnownHosts, Fingerprint, Tofu, Any];
}

internal sealed class BootstrapOptionsValidation : IValidateOptions<BootstrapOptions>
{
    public ValidateOptionsResult Validate(string? name, BootstrapOptions options) => Checks.Result(
        HostKeyStrategies.All.Contains(options.HostKeyStrategy) ? null : $"bootstrap.host_key_strategy must be one of {string.Join(", ", HostKeyStrategies.All)} (got '{options.HostKeyStrategy}').",
        options.HostKeyStrategy == HostKeyStrategies.Any && !options.AllowAnyHostKey ? "bootstrap.host_key_strategy any needs bootstrap.allow_any_host_key: true (development only)." : null,
        AgentUserName.IsValid(options.AgentUser) ? null : $"bootstrap.agent_user '{options.AgentUser}' is not a user name.",
        Checks.Seconds("bootstrap.timeouts.connect", options.Timeouts.Connect, 1, 600),
        Checks.Seconds("bootstrap.timeouts.step", options.Timeouts.Step, 1, 3600),
        Checks.Seconds("bootstrap.timeouts.upload", options.Timeouts.Upload, 1, 7200),
        Checks.Seconds("bootstrap.timeouts.agent_connected", options.Timeouts.AgentConnected, 1, 3600));
}

internal static partial class AgentUserName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
