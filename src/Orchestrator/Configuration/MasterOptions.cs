using Microsoft.Extensions.Configuration;

namespace P4Flow.Orchestrator.Configuration;

// One class per section of config/master.yaml; keys keep the seed's snake_case names.

public sealed class ServerOptions
{
    public const string Section = "server";

    /// <summary>Address the HTTP API and Studio bind to.</summary>
    [ConfigurationKeyName("host")]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Agent hub (gRPC over mTLS).</summary>
    [ConfigurationKeyName("port")]
    public int Port { get; set; } = 9090;

    /// <summary>Address the agent hub binds to (0.0.0.0 or :: for agents on other hosts).</summary>
    [ConfigurationKeyName("hub_host")]
    public string HubHost { get; set; } = "127.0.0.1";

    [ConfigurationKeyName("http_port")]
    public int HttpPort { get; set; } = 5000;

    /// <summary>HTTPS for the API and Studio with the hub's certificate (P4Flow CA); 0 turns it off.</summary>
    [ConfigurationKeyName("https_port")]
    public int HttpsPort { get; set; } = 5001;
}

public sealed class StateManagementOptions
{
    public const string Section = "state_management";

    public const string Sqlite = "sqlite";
    public const string Postgresql = "postgresql";
    public const string Memory = "memory";

    /// <summary>sqlite (default, durable, one node), postgresql (durable, shared: see <see cref="PostgresOptions"/>) or memory (lost on exit).</summary>
    [ConfigurationKeyName("type")]
    public string Type { get; set; } = Sqlite;

    [ConfigurationKeyName("sqlite_path")]
    public string SqlitePath { get; set; } = "data/p4flow.db";

    [ConfigurationKeyName(PostgresOptions.Section)]
    public PostgresOptions Postgres { get; set; } = new();

    /// <summary>Written at start, removed by a clean stop: found at a start, the last run crashed (MASTER_CRASH).</summary>
    [ConfigurationKeyName("run_file")]
    public string RunFile { get; set; } = "data/orchestrator.run";

    /// <summary>What the recovery playbooks handled, one JSON object per line.</summary>
    [ConfigurationKeyName("incidents_file")]
    public string IncidentsFile { get; set; } = "data/incidents.jsonl";

    /// <summary>The operator's pause of every command, kept across restarts.</summary>
    [ConfigurationKeyName("pause_file")]
    public string PauseFile { get; set; } = "data/operator-pause.json";

    /// <summary>Seconds between ResolveWatcher checks of jobs in NEEDS_RESOLVE.</summary>
    [ConfigurationKeyName("resolve_check_interval")]
    public int ResolveCheckInterval { get; set; } = 30;

    /// <summary>Jobs the ResolveWatcher checks at once (each a `resolve -n` on the job's agent).</summary>
    [ConfigurationKeyName("resolve_check_concurrency")]
    public int ResolveCheckConcurrency { get; set; } = 4;

    /// <summary>Seconds a parked job may stay untouched before the watcher checks it less often (see ResolveSchedule).</summary>
    [ConfigurationKeyName("resolve_check_backoff_after")]
    public int ResolveCheckBackoffAfter { get; set; } = 3600;

    /// <summary>The longest interval between checks of a job parked and untouched for long (never shorter than resolve_check_interval).</summary>
    [ConfigurationKeyName("resolve_check_max_interval")]
    public int ResolveCheckMaxInterval { get; set; } = 600;

    /// <summary>The watcher's checks per second on each Perforce server at most, spread evenly.</summary>
    [ConfigurationKeyName("resolve_checks_per_second")]
    public double ResolveChecksPerSecond { get; set; } = 20;

    /// <summary>The watcher's checks running at once on each agent at most (the agent also runs the jobs' own commands).</summary>
    [ConfigurationKeyName("resolve_checks_per_agent")]
    public int ResolveChecksPerAgent { get; set; } = 2;

    /// <summary>
    /// Seconds between `resolve -n` checks of a job parked and untouched for long whose workspace the server reports
    /// unused (its client's Access time has not moved); a use of the workspace brings the job back to resolve_check_interval.
    /// </summary>
    [ConfigurationKeyName("resolve_check_unused_interval")]
    public int ResolveCheckUnusedInterval { get; set; } = 3600;

    [ConfigurationKeyName("max_history_per_job")]
    public int MaxHistoryPerJob { get; set; } = 100;

    /// <summary>Folder of published workflow definitions imported at start.</summary>
    [ConfigurationKeyName("workflows_dir")]
    public string WorkflowsDir { get; set; } = "workflows";
}

public sealed class MonitoringOptions
{
    public const string Section = "monitoring";

    [ConfigurationKeyName("metrics_port")]
    public int MetricsPort { get; set; } = 9091;

    [ConfigurationKeyName("log_level")]
    public string LogLevel { get; set; } = "INFO";

    /// <summary>json (one JSON object per line) or text (for a person at a terminal): the console's format.</summary>
    [ConfigurationKeyName("log_format")]
    public string LogFormat { get; set; } = "json";

    /// <summary>Every event as JSON lines, rolled by size.</summary>
    [ConfigurationKeyName("log_file")]
    public string LogFile { get; set; } = "logs/p4flow.jsonl";

    /// <summary>Command events only (the seed's fields), JSON lines, rolled by size.</summary>
    [ConfigurationKeyName("commands_log")]
    public string CommandsLog { get; set; } = "logs/commands.jsonl";

    /// <summary>Size at which a log file rolls over: bytes, or a number with K, M or G (e.g. 100M).</summary>
    [ConfigurationKeyName("log_max_size")]
    public string LogMaxSize { get; set; } = "100M";

    /// <summary>Files kept per log, the current one included; older ones are compressed into log_archive_dir.</summary>
    [ConfigurationKeyName("log_max_files")]
    public int LogMaxFiles { get; set; } = 10;

    /// <summary>Where rolled files past log_max_files go, gzip-compressed.</summary>
    [ConfigurationKeyName("log_archive_dir")]
    public string LogArchiveDir { get; set; } = "logs/archive";

    /// <summary>Archives kept per log; the oldest beyond it are removed.</summary>
    [ConfigurationKeyName("log_archive_max_files")]
    public int LogArchiveMaxFiles { get; set; } = 100;

    /// <summary>Days an archive is kept.</summary>
    [ConfigurationKeyName("log_archive_max_days")]
    public int LogArchiveMaxDays { get; set; } = 90;
}

public sealed class ResourcesOptions
{
    public const string Section = "resources";

    /// <summary>Jobs admitted at once across the process; the rest wait in QUEUED (a job parked for a person holds none).</summary>
    [ConfigurationKeyName("max_concurrent_jobs")]
    public int MaxConcurrentJobs { get; set; } = 10;

    /// <summary>CPU cores the admitted jobs may declare in all (their `resources.cpu_cores`); 0: no limit but the agents'.</summary>
    [ConfigurationKeyName("cpu_cores")]
    public double CpuCores { get; set; }

    /// <summary>Memory in GB the admitted jobs may declare in all; 0: no limit but the agents'.</summary>
    [ConfigurationKeyName("memory_gb")]
    public double MemoryGb { get; set; }

    /// <summary>Seconds of waiting in QUEUED that raise a job one priority (low to default to high to urgent), so none waits forever.</summary>
    [ConfigurationKeyName("priority_aging")]
    public int PriorityAging { get; set; } = 300;

    [ConfigurationKeyName("max_agents")]
    public int MaxAgents { get; set; } = 100;

    [ConfigurationKeyName("connection_timeout")]
    public int ConnectionTimeout { get; set; } = 300;
}

/// <summary>
/// state_management.postgresql: where the database is. The connection string holds a password, so it comes from a
/// secret source (an environment variable or an owner-only file), never from master.yaml itself.
/// </summary>
public sealed class PostgresOptions
{
    public const string Section = "postgresql";
    public const string Key = StateManagementOptions.Section + "." + Section;

    /// <summary>Names the environment variable that holds the connection string (Npgsql's: Host=...;Database=...;Username=...;Password=...).</summary>
    [ConfigurationKeyName("connection_string_env")]
    public string? ConnectionStringEnv { get; set; }

    /// <summary>Names an owner-only file that holds the connection string.</summary>
    [ConfigurationKeyName("connection_string_file")]
    public string? ConnectionStringFile { get; set; }

    /// <summary>The connection string; null when no source is configured.</summary>
    public string? ConnectionString() => P4Flow.Protocol.Security.SecretSource.Read(ConnectionStringEnv, ConnectionStringFile);
}
