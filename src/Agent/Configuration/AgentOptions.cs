using Microsoft.Extensions.Configuration;
using P4Flow.Agent.Execution;

namespace P4Flow.Agent.Configuration;

// One class per section of config/agent.yaml; keys keep the seed's snake_case names.

public sealed class AgentOptions
{
    public const string Section = "agent";

    /// <summary>The agent's name; must equal the CN of its certificate. Empty: the CN is used.</summary>
    [ConfigurationKeyName("id")]
    public string Id { get; set; } = "";

    /// <summary>Workspace root: each job runs in {workspace}/{job id}.</summary>
    [ConfigurationKeyName("workspace")]
    public string Workspace { get; set; } = "data/agent/workspaces";

    /// <summary>Where the agent keeps what must survive a restart (the result cache).</summary>
    [ConfigurationKeyName("state_dir")]
    public string StateDir { get; set; } = "data/agent/state";

    /// <summary>
    /// Stop when standard input closes: for an agent a parent process starts and keeps a pipe to (the demo's), so the
    /// agent ends with its parent however the parent ends, a kill -9 included.
    /// </summary>
    [ConfigurationKeyName("stop_when_stdin_closes")]
    public bool StopWhenStdinCloses { get; set; }

    /// <summary>What this host can run, e.g. p4, git; jobs may require some.</summary>
    [ConfigurationKeyName("capabilities")]
    public List<string> Capabilities { get; set; } = [];

    /// <summary>Free-form tags jobs may require, e.g. linux, fast-disk, site=sh.</summary>
    [ConfigurationKeyName("labels")]
    public List<string> Labels { get; set; } = [];

    [ConfigurationKeyName("max_concurrent_commands")]
    public int MaxConcurrentCommands { get; set; } = 4;

    /// <summary>Jobs the hub places here at once (a job parked for a person takes none); 0: twice the cores, as integrations mostly wait on the server.</summary>
    [ConfigurationKeyName("max_jobs")]
    public int MaxJobs { get; set; }

    /// <summary>Cores the jobs placed here may declare in all; 0: this machine's.</summary>
    [ConfigurationKeyName("cpu_cores")]
    public double CpuCores { get; set; }

    /// <summary>Memory in GB the jobs placed here may declare in all; 0: this machine's.</summary>
    [ConfigurationKeyName("memory_gb")]
    public double MemoryGb { get; set; }

    public int EffectiveMaxJobs => MaxJobs > 0 ? MaxJobs : 2 * Environment.ProcessorCount;

    public double EffectiveCpuCores => CpuCores > 0 ? CpuCores : Environment.ProcessorCount;

    public double EffectiveMemoryGb => MemoryGb > 0 ? MemoryGb : Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1);

    /// <summary>The host name reported to the hub; empty: this machine's name.</summary>
    [ConfigurationKeyName("hostname")]
    public string Hostname { get; set; } = "";
}

public sealed class HubOptions
{
    public const string Section = "server";

    [ConfigurationKeyName("master_host")]
    public string MasterHost { get; set; } = "localhost";

    [ConfigurationKeyName("master_port")]
    public int MasterPort { get; set; } = 9090;

    [ConfigurationKeyName("ssl")]
    public TlsFiles Ssl { get; set; } = new();

    /// <summary>
    /// The hubs of a cluster of orchestrators, "host:port" each, tried in turn: one that cannot be reached or whose
    /// stream ends sends the agent to the next at once; only after a whole round does it wait. Empty: the one hub at
    /// master_host:master_port.
    /// </summary>
    [ConfigurationKeyName("hubs")]
    public List<string> Hubs { get; } = [];

    /// <summary>The hubs to connect to, in the order tried.</summary>
    public IReadOnlyList<Uri> Addresses => Hubs.Count == 0
        ? [new UriBuilder("https", MasterHost, MasterPort).Uri]
        : [.. Hubs.Select(h => HubAddress.Parse(h) ?? throw new InvalidOperationException($"server.hubs: '{h}' is not host:port."))];
}

/// <summary>"host:port" (a name, an IPv4 address or a bracketed IPv6 one) as the address of a hub.</summary>
public static class HubAddress
{
    public static Uri? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var split = text.LastIndexOf(':');
        if (split <= 0 || !int.TryParse(text[(split + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65_535) return null;
        var host = text[..split];
        return Uri.CheckHostName(host.Trim('[', ']')) is UriHostNameType.Unknown || host.Any(char.IsWhiteSpace) ? null : new UriBuilder("https", host.Trim('[', ']'), port).Uri;
    }
}

public sealed class TlsFiles
{
    [ConfigurationKeyName("cert_file")]
    public string CertFile { get; set; } = "";

    [ConfigurationKeyName("key_file")]
    public string KeyFile { get; set; } = "";

    [ConfigurationKeyName("ca_file")]
    public string CaFile { get; set; } = "certs/ca.crt";
}

public sealed class ExecutionOptions
{
    public const string Section = "execution";

    /// <summary>Seconds a stopping agent lets running commands finish before it kills them.</summary>
    [ConfigurationKeyName("drain_timeout")]
    public int DrainTimeout { get; set; } = 30;

    /// <summary>Characters kept of each of stdout and stderr; the rest is dropped with a note.</summary>
    [ConfigurationKeyName("max_output_chars")]
    public int MaxOutputChars { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Absolute paths of the programs commands may run; nothing else starts. Empty: the p4 and git found on PATH
    /// (resolved when the agent starts).
    /// </summary>
    [ConfigurationKeyName("allowed_executables")]
    public List<string> AllowedExecutables { get; set; } = [];

    /// <summary>Variables of the agent's own environment a command inherits; the rest are dropped. The job's variables come on top.</summary>
    [ConfigurationKeyName("inherited_env")]
    public List<string> InheritedEnv { get; set; } = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "USER", "LOGNAME", "P4CONFIG", "P4CHARSET"];

    /// <summary>Seconds a command may run when the hub sends no timeout.</summary>
    [ConfigurationKeyName("default_timeout")]
    public int DefaultTimeout { get; set; } = 600;

    /// <summary>Seconds between SIGTERM and SIGKILL to a command's process group on timeout or cancel.</summary>
    [ConfigurationKeyName("kill_grace")]
    public double KillGrace { get; set; } = 30;

    /// <summary>Lets the agent run as root (CI, demo); also the command-line flag --allow-root.</summary>
    [ConfigurationKeyName("allow_root")]
    public bool AllowRoot { get; set; }

    /// <summary>
    /// The unprivileged user commands run as when the agent runs as root (the process limit does not hold for root).
    /// Empty: as the agent's own user.
    /// </summary>
    [ConfigurationKeyName("run_as")]
    public string RunAs { get; set; } = "nobody";

    /// <summary>Keep a job's folder when the job ends without success, to look into it; else it is removed too.</summary>
    [ConfigurationKeyName("keep_failed_workspaces")]
    public bool KeepFailedWorkspaces { get; set; }

    /// <summary>
    /// What starts each command in its containment: "native" (p4flow-launch, shipped beside the agent: one exec),
    /// "util-linux" (setsid, prlimit and setpriv: the same containment, two execs more), or "auto" (native where it was built).
    /// </summary>
    [ConfigurationKeyName("launcher")]
    public string Launcher { get; set; } = LaunchPlan.Auto;

    [ConfigurationKeyName("limits")]
    public LimitsOptions Limits { get; set; } = new();
}

/// <summary>Limits of each command, set in the child by its launcher (and a cgroup v2 where the machine has one); 0 = none.</summary>
public sealed class LimitsOptions
{
    /// <summary>CPU seconds (RLIMIT_CPU).</summary>
    [ConfigurationKeyName("cpu_seconds")]
    public long CpuSeconds { get; set; } = 3600;

    /// <summary>Virtual memory per process, MiB (RLIMIT_AS). .NET programs (the p4 simulator) need about 2 GiB.</summary>
    [ConfigurationKeyName("address_space_mb")]
    public long AddressSpaceMb { get; set; } = 8192;

    /// <summary>Largest file a command may write, MiB (RLIMIT_FSIZE).</summary>
    [ConfigurationKeyName("file_size_mb")]
    public long FileSizeMb { get; set; } = 16384;

    /// <summary>Processes (threads too) of the user the command runs as (RLIMIT_NPROC; not enforced for root).</summary>
    [ConfigurationKeyName("processes")]
    public long Processes { get; set; } = 512;

    /// <summary>CPUs a command's cgroup may use (cpu.max); cgroup v2 only.</summary>
    [ConfigurationKeyName("cgroup_cpus")]
    public double CgroupCpus { get; set; } = 1;

    /// <summary>Memory of a command's cgroup, MiB (memory.max); cgroup v2 only.</summary>
    [ConfigurationKeyName("cgroup_memory_mb")]
    public long CgroupMemoryMb { get; set; } = 4096;

    /// <summary>
    /// A cgroup v2 folder delegated to the agent (cpu and memory enabled in its cgroup.subtree_control) under which
    /// each command gets its own cgroup. Empty: none, rlimits only. "auto": the agent's own cgroup's parent.
    /// </summary>
    [ConfigurationKeyName("cgroup_parent")]
    public string CgroupParent { get; set; } = "auto";
}

public sealed class SecurityOptions
{
    public const string Section = "security";

    /// <summary>
    /// PEM public keys whose signatures this agent accepts (the hub's certs/command-signing.pub); several while the
    /// hub's key is rotated. A command signed by none of them is refused.
    /// </summary>
    [ConfigurationKeyName("command_keys")]
    public List<string> CommandKeys { get; set; } = [];

    /// <summary>The secret the hub's command tokens are signed with (HS256); empty: the JWT_SECRET environment variable.</summary>
    [ConfigurationKeyName("jwt_secret")]
    public string JwtSecret { get; set; } = "";

    /// <summary>The configured secret, else JWT_SECRET.</summary>
    public string EffectiveJwtSecret => string.IsNullOrEmpty(JwtSecret) ? Environment.GetEnvironmentVariable(Protocol.Security.CommandToken.SecretVariable) ?? "" : JwtSecret;
}

public sealed class CacheOptions
{
    public const string Section = "cache";

    [ConfigurationKeyName("max_entries")]
    public int MaxEntries { get; set; } = 10_000;

    [ConfigurationKeyName("max_age_hours")]
    public double MaxAgeHours { get; set; } = 168;
}

public sealed class ReconnectOptions
{
    public const string Section = "reconnect";

    /// <summary>Seconds before the first retry; doubled per failure, with jitter, up to <see cref="MaxDelay"/>.</summary>
    [ConfigurationKeyName("min_delay")]
    public double MinDelay { get; set; } = 1;

    [ConfigurationKeyName("max_delay")]
    public double MaxDelay { get; set; } = 60;
}
