using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Hub;

/// <summary>One line of the audit log (the seed's format, snake_case keys).</summary>
public sealed record AuditEvent(
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("agent_id")] string? AgentId,
    [property: JsonPropertyName("target_ip")] string? TargetIp,
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("reason")] string? Reason)
{
    [JsonPropertyName("timestamp")]
    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UtcNow;

    [JsonPropertyName("target_host")]
    public string? TargetHost { get; init; }

    /// <summary>Who asked (bootstrap, restart and removal of agents).</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>"sha256:" + hex of the exact remote commands a bootstrap ran, in order.</summary>
    [JsonPropertyName("ssh_command_hash")]
    public string? SshCommandHash { get; init; }

    [JsonPropertyName("duration_ms")]
    public long? DurationMs { get; init; }

    public const string Accepted = "ACCEPTED";
    public const string Rejected = "REJECTED";
}

/// <summary>
/// logs/audit.jsonl: one JSON object per line for every agent accepted, refused, disconnected or evicted, with the
/// reason. Appended under a lock and flushed per line, so a line is whole and on disk before the call returns.
/// </summary>
public sealed class AuditLog(IOptions<HubSecurityOptions> options)
{
    public const string AgentConnected = "AGENT_CONNECTED";
    public const string AgentRejected = "AGENT_REJECTED";
    public const string AgentDisconnected = "AGENT_DISCONNECTED";
    public const string AgentEvicted = "AGENT_EVICTED";
    public const string CommandRefused = "COMMAND_REFUSED";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly Lock _lock = new();

    public string Path { get; } = System.IO.Path.GetFullPath(options.Value.AuditLog);

    /// <summary>Raised after each line is on disk (metrics count refusals here).</summary>
    public event Action<AuditEvent>? Written;

    public void Write(AuditEvent entry)
    {
        var line = JsonSerializer.Serialize(entry, Json) + "\n";
        lock (_lock)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.AppendAllText(Path, line);
        }
        Written?.Invoke(entry);
    }
}
