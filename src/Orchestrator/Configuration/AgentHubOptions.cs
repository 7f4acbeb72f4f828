using Microsoft.Extensions.Configuration;

namespace P4Flow.Orchestrator.Configuration;

/// <summary>`commands:` where job commands run.</summary>
public sealed class CommandsOptions
{
    public const string Section = "commands";
    public const string Agents = "agents";
    public const string Local = "local";

    /// <summary>agents (default: on agent processes through the hub) or local (in this process; tests without agents).</summary>
    [ConfigurationKeyName("runner")]
    public string Runner { get; set; } = Agents;

    public bool UsesAgents => Runner == Agents;
}

/// <summary>`server.ssl:` the hub's TLS files. Bring your own CA by pointing ca_file at it (ca_key_file only to issue certificates here).</summary>
public sealed class HubTlsOptions
{
    public const string Section = "server:ssl";

    /// <summary>The default layout (certs/ and certs/agents/) under <paramref name="folder"/>, as an orchestrator home has it.</summary>
    public static HubTlsOptions Under(string folder)
    {
        var defaults = new HubTlsOptions();
        return new HubTlsOptions
        {
            CertFile = Path.Combine(folder, defaults.CertFile),
            KeyFile = Path.Combine(folder, defaults.KeyFile),
            CaFile = Path.Combine(folder, defaults.CaFile),
            CaKeyFile = Path.Combine(folder, defaults.CaKeyFile),
            AgentsDir = Path.Combine(folder, defaults.AgentsDir),
        };
    }

    [ConfigurationKeyName("cert_file")]
    public string CertFile { get; set; } = "certs/hub.crt";

    [ConfigurationKeyName("key_file")]
    public string KeyFile { get; set; } = "certs/hub.key";

    [ConfigurationKeyName("ca_file")]
    public string CaFile { get; set; } = "certs/ca.crt";

    [ConfigurationKeyName("ca_key_file")]
    public string CaKeyFile { get; set; } = "certs/ca.key";

    /// <summary>Where `certs issue-agent` writes agent certificates.</summary>
    [ConfigurationKeyName("agents_dir")]
    public string AgentsDir { get; set; } = "certs/agents";

    /// <summary>Host names the hub's certificate names besides localhost, 127.0.0.1 and ::1.</summary>
    [ConfigurationKeyName("host_names")]
    public List<string> HostNames { get; set; } = [];

    /// <summary>The private key that signs every command (RSA); empty: command-signing.key beside the CA. Its public key is the same name with .pub.</summary>
    [ConfigurationKeyName("command_key_file")]
    public string CommandKeyFile { get; set; } = "";

    /// <summary>Size of the command-signing key `certs init` makes: 2048 (default), 3072 or 4096; an existing key is kept.</summary>
    [ConfigurationKeyName("command_key_bits")]
    public int CommandKeyBits { get; set; } = P4Flow.Protocol.Security.CommandSignature.DefaultKeySizeBits;
}

/// <summary>`security:` the agent whitelist and the audit log.</summary>
public sealed class HubSecurityOptions
{
    public const string Section = "security";

    [ConfigurationKeyName("agent_whitelist")]
    public string AgentWhitelist { get; set; } = "config/agent_whitelist.yaml";

    /// <summary>JSON lines: agents accepted or refused, commands refused, and what people did through the API and the Studio.</summary>
    [ConfigurationKeyName("audit_log")]
    public string AuditLog { get; set; } = "logs/audit.jsonl";

    /// <summary>Size at which the audit log rolls to audit_001.jsonl, audit_002.jsonl, ...; none is ever deleted.</summary>
    [ConfigurationKeyName("audit_log_max_size")]
    public string AuditLogMaxSize { get; set; } = "100M";

    /// <summary>Seconds a command token stays valid after the hub first sends the command.</summary>
    [ConfigurationKeyName("token_expiry")]
    public int TokenExpiry { get; set; } = 3600;

    /// <summary>
    /// The HS256 secret of command tokens, shared with the agents; empty: the JWT_SECRET environment variable. Not
    /// meant for the YAML file (a secret): set JWT_SECRET. Outside demo mode the hub does not start without one.
    /// </summary>
    [ConfigurationKeyName("jwt_secret")]
    public string JwtSecret { get; set; } = "";
}

/// <summary>`agents:` health checks, waiting and recovery of the agent pool.</summary>
public sealed class AgentsOptions
{
    public const string Section = "agents";

    /// <summary>Seconds between pings of each agent.</summary>
    [ConfigurationKeyName("ping_interval")]
    public double PingInterval { get; set; } = 10;

    /// <summary>Seconds a pong may take before the ping counts as missed.</summary>
    [ConfigurationKeyName("pong_timeout")]
    public double PongTimeout { get; set; } = 5;

    /// <summary>Missed pongs in a row that mark an agent TIMEOUT.</summary>
    [ConfigurationKeyName("max_missed_pongs")]
    public int MaxMissedPongs { get; set; } = 3;

    /// <summary>Seconds a job's agent may be gone (disconnected or TIMEOUT) before the job fails with AGENT_LOST.</summary>
    [ConfigurationKeyName("lost_grace")]
    public double LostGrace { get; set; } = 120;

    /// <summary>Seconds a job waits (in stage WAITING_FOR_AGENT) for an agent that meets its requirements.</summary>
    [ConfigurationKeyName("wait_timeout")]
    public double WaitTimeout { get; set; } = 600;

    /// <summary>Commands in flight and job-to-agent assignments, so a restarted hub neither loses nor repeats them.</summary>
    [ConfigurationKeyName("journal")]
    public string Journal { get; set; } = "data/hub/journal.jsonl";

    /// <summary>Seconds between checks of the whitelist file for changes.</summary>
    [ConfigurationKeyName("whitelist_poll_interval")]
    public double WhitelistPollInterval { get; set; } = 1;

    /// <summary>
    /// Per agent: an agent whose commands keep failing for reasons of its own (its launcher cannot start them, it
    /// sends no result) gets no new job while its circuit is open. Same settings as perforce.circuit_breaker.
    /// </summary>
    [ConfigurationKeyName("circuit_breaker")]
    public P4Flow.Activities.Perforce.P4CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
