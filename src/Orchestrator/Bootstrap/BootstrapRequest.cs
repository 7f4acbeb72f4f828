using System.Text.Json.Serialization;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>
/// What POST /api/agents/bootstrap takes. <see cref="KeyRef"/> names the SSH private key (a file on the orchestrator,
/// or "credential:NAME" for a key stored in bootstrap.ssh_keys_dir): the key itself never travels in a request.
/// </summary>
public sealed record BootstrapRequest
{
    public string? Host { get; init; }
    public int Port { get; init; } = 22;
    public string? User { get; init; }
    public string? KeyRef { get; init; }
    public string? AgentName { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    /// <summary>known_hosts, fingerprint, tofu or any; empty: bootstrap.host_key_strategy.</summary>
    public string? HostKeyStrategy { get; init; }
    /// <summary>The pinned key, as ssh-keygen -lf prints it: SHA256:base64.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Who asked (from the caller's identity, never from the body).</summary>
    [JsonIgnore]
    public string RequestedBy { get; init; } = "anonymous";

    public const string CredentialPrefix = "credential:";

    /// <returns>Problems by field (camelCase, as in the JSON body); empty when the request is good.</returns>
    public Dictionary<string, string[]> Validate(BootstrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        if (string.IsNullOrWhiteSpace(Host) || Uri.CheckHostName(Host) == UriHostNameType.Unknown) Add("host", "host must be a host name or an IP address.");
        if (Port is < 1 or > 65_535) Add("port", $"port must be between 1 and 65535 (got {Port}).");
        if (string.IsNullOrWhiteSpace(User) || !AgentUserName.IsValid(User)) Add("user", "user must be a Unix user name (lower case letters, digits, '_', '-').");
        if (string.IsNullOrWhiteSpace(KeyRef)) Add("keyRef", "keyRef must name the SSH private key: a file on the orchestrator or credential:NAME.");
        else if (ResolveKey(options) is not { } key) Add("keyRef", $"keyRef '{KeyRef}': a credential name may hold letters, digits, '.', '_' and '-' only.");
        else if (!File.Exists(key)) Add("keyRef", $"keyRef '{KeyRef}': no such key on the orchestrator.");
        if (string.IsNullOrWhiteSpace(AgentName) || !AgentNames.IsValid(AgentName)) Add("agentName", "agentName may hold letters, digits, '.', '_' and '-' (at most 63), starting with a letter, digit or '_'.");
        if (Labels?.FirstOrDefault(l => string.IsNullOrWhiteSpace(l) || l.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\')) is { } label) Add("labels", $"label '{label}' must be a word without spaces or quotes.");
        var strategy = Strategy(options);
        if (!HostKeyStrategies.All.Contains(strategy)) Add("hostKeyStrategy", $"hostKeyStrategy must be one of {string.Join(", ", HostKeyStrategies.All)}.");
        else if (strategy == HostKeyStrategies.Any && !options.AllowAnyHostKey) Add("hostKeyStrategy", "hostKeyStrategy any is allowed only with bootstrap.allow_any_host_key (development).");
        else if (strategy == HostKeyStrategies.Fingerprint && !HostKeyFingerprint.IsWellFormed(Fingerprint)) Add("fingerprint", "fingerprint must be SHA256:<base64>, as `ssh-keygen -lf` prints it.");
        return errors;
    }

    public string Strategy(BootstrapOptions options) => string.IsNullOrWhiteSpace(HostKeyStrategy) ? options.HostKeyStrategy : HostKeyStrategy;

    /// <summary>The full path of the private key file this request names; null when keyRef is empty or names no valid credential.</summary>
    public string? ResolveKey(BootstrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(KeyRef)) return null;
        if (!KeyRef.StartsWith(CredentialPrefix, StringComparison.Ordinal)) return Path.GetFullPath(KeyRef);
        var name = KeyRef[CredentialPrefix.Length..];
        return AgentNames.IsValid(name) ? Path.GetFullPath(Path.Combine(options.SshKeysDir, name)) : null;
    }
}

internal static partial class AgentNames
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
