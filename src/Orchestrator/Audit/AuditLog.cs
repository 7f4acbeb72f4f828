using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;

namespace P4Flow.Orchestrator.Audit;

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

    /// <summary>Who acted: an API key's or a Studio user's name.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>What was acted on: a job or workflow id, an API key id.</summary>
    [JsonPropertyName("target")]
    public string? Target { get; init; }

    /// <summary>`sha256:hex` of what was asked (a command, a job's inputs).</summary>
    [JsonPropertyName("command_hash")]
    public string? CommandHash { get; init; }

    /// <summary>Where a request came from (a failed sign-in).</summary>
    [JsonPropertyName("source_ip")]
    public string? SourceIp { get; init; }

    /// <summary>"sha256:" + hex of the exact remote commands a bootstrap ran, in order.</summary>
    [JsonPropertyName("ssh_command_hash")]
    public string? SshCommandHash { get; init; }

    [JsonPropertyName("duration_ms")]
    public long? DurationMs { get; init; }

    public const string Accepted = "ACCEPTED";
    public const string Rejected = "REJECTED";
    public const string Success = "SUCCESS";
    public const string Failure = "FAILURE";
    public const string Denied = "DENIED";
}

/// <summary>
/// logs/audit.jsonl: one JSON object per line for every agent accepted, refused, disconnected or evicted, every command
/// refused and every security-relevant thing a person did. Written through its own Serilog file sink, flushed per
/// line; it rolls by size into audit_001.jsonl, ... and never deletes a file: the log only grows.
/// </summary>
public sealed class AuditLog : IDisposable
{
    public const string AgentConnected = "AGENT_CONNECTED";
    public const string AgentRejected = "AGENT_REJECTED";
    public const string AgentDisconnected = "AGENT_DISCONNECTED";
    public const string AgentEvicted = "AGENT_EVICTED";
    /// <summary>An admin drained an agent (no new jobs) or took it back into placement.</summary>
    public const string AgentDrained = "AGENT_DRAINED";
    public const string AgentUndrained = "AGENT_UNDRAINED";
    /// <summary>A person's action on a change of a branch graph edge (approve, skip, shelve, stomp, ...): the action is in the reason.</summary>
    public const string BranchChangeAction = "BRANCH_CHANGE_ACTION";
    /// <summary>An admin paused every command (POST /api/admin/pause) or resumed.</summary>
    public const string OperationsPaused = "OPERATIONS_PAUSED";
    public const string OperationsResumed = "OPERATIONS_RESUMED";
    public const string CommandRefused = "COMMAND_REFUSED";
    /// <summary>A request in the cluster's hub_requests that no node wrote (its MAC does not hold): refused, nothing run.</summary>
    public const string ClusterRequestRefused = "CLUSTER_REQUEST_REFUSED";
    public const string LoginFailed = "LOGIN_FAILED";
    public const string KeyCreated = "KEY_CREATED";
    public const string KeyRevoked = "KEY_REVOKED";
    public const string UserSaved = "USER_SAVED";
    public const string AccessDenied = "ACCESS_DENIED";
    public const string P4TrustRefused = "P4_TRUST_REFUSED";
    public const string P4LoginFailed = "P4_LOGIN_FAILED";
    public const string P4LoggedIn = "P4_LOGGED_IN";

    internal static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly Serilog.Core.Logger _sink;

    public AuditLog(IOptions<HubSecurityOptions> options)
    {
        Path = System.IO.Path.GetFullPath(options.Value.AuditLog);
        var maxSize = ByteSize.TryParse(options.Value.AuditLogMaxSize, out var size) ? size : 100L << 20;
        _sink = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.File(new LineFormatter(), Path, fileSizeLimitBytes: maxSize, rollOnFileSizeLimit: true, retainedFileCountLimit: null)
            .CreateLogger();
    }

    public string Path { get; }

    /// <summary>Every file of the log, oldest first (the current one last).</summary>
    public IEnumerable<string> Files()
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        var stem = System.IO.Path.GetFileNameWithoutExtension(Path);
        var rolled = Directory.Exists(folder)
            ? Directory.GetFiles(folder, $"{stem}_*{System.IO.Path.GetExtension(Path)}").Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        return File.Exists(Path) ? rolled.Prepend(Path) : rolled;
    }

    /// <summary>Raised after each line is written (metrics count refusals here).</summary>
    public event Action<AuditEvent>? Written;

    public void Write(AuditEvent entry)
    {
        _sink.Write(LogEventLevel.Information, "{Line}", JsonSerializer.Serialize(entry, Json));
        Written?.Invoke(entry);
    }

    public void Dispose() => _sink.Dispose();

    // The line is the event's JSON as is: no Serilog envelope around the seed's fields.
    private sealed class LineFormatter : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output)
        {
            if (logEvent.Properties.TryGetValue("Line", out var line) && line is ScalarValue { Value: string json }) output.Write(json);
            output.Write('\n');
        }
    }
}
