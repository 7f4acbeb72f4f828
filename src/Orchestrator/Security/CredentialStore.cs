using System.Text.Json;
using System.Text.Json.Serialization;

namespace P4Flow.Orchestrator.Security;

public sealed record ApiKeyInfo(string Id, string Name, string Role, DateTime CreatedAt);

public sealed record UserInfo(string Name, string Role);

/// <summary>
/// API keys and Studio users, hashed, in one JSON document (<see cref="ICredentialDocument"/>: an owner-only file on
/// one node, the state database on PostgreSQL, where every orchestrator on it shares them). The plain key or password
/// is shown once, when created, and never stored.
/// </summary>
public sealed class CredentialStore(ICredentialDocument stored, TimeProvider clock)
{
    private const string KeyPrefix = "p4f_";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    /// <summary>Attempts at a change whose document another orchestrator changed meanwhile.</summary>
    private const int WriteAttempts = 5;
    /// <summary>Held while a change is made; <see cref="_refresh"/> while the document is read again.</summary>
    private readonly Lock _gate = new();
    private readonly Lock _refresh = new();
    private volatile Snapshot? _snapshot;

    /// <summary>The document as read, and when.</summary>
    private sealed record Snapshot(Document Document, DateTime At);

    /// <summary>Where the credentials are, for messages: a file's path, or the database.</summary>
    public string Location => stored.Location;

    /// <summary>Creates a key; returns its info and the key itself (shown once).</summary>
    public (ApiKeyInfo Info, string Key) CreateApiKey(string name, string role)
    {
        Check(name, role);
        // Hex, so the id never holds the '_' that separates it from the secret.
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        var secret = SecretHashing.NewSecret();
        var entry = new StoredKey(id, name, role, SecretHashing.HashKey(secret), clock.GetUtcNow().UtcDateTime);
        // Changes may be applied again (a write another orchestrator beat, a retried commit): each is idempotent.
        Update(d =>
        {
            if (!d.Keys.Any(k => k.Id == entry.Id)) d.Keys.Add(entry);
        });
        return (entry.Info, $"{KeyPrefix}{id}_{secret}");
    }

    public IReadOnlyList<ApiKeyInfo> ListApiKeys() => [.. Read().Keys.Select(k => k.Info)];

    public bool RevokeApiKey(string id)
    {
        var removed = false;
        Update(d => removed |= d.Keys.RemoveAll(k => k.Id == id) > 0);
        return removed;
    }

    /// <summary>The key's owner, or null for a key that is malformed, unknown or revoked.</summary>
    public ApiKeyInfo? VerifyApiKey(string key)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal)) return null;
        var rest = key[KeyPrefix.Length..];
        var split = rest.IndexOf('_', StringComparison.Ordinal);
        if (split <= 0) return null;
        var (id, secret) = (rest[..split], rest[(split + 1)..]);
        var stored = Read().Keys.FirstOrDefault(k => k.Id == id);
        return stored is not null && SecretHashing.KeyMatches(secret, stored.Hash) ? stored.Info : null;
    }

    /// <summary>Adds or replaces a Studio user.</summary>
    public void SetUser(string name, string role, string password)
    {
        Check(name, role);
        if (password.Length < 12) throw new ArgumentException("A password needs at least 12 characters.", nameof(password));
        var entry = new StoredUser(name, role, SecretHashing.HashPassword(password));
        Update(d =>
        {
            d.Users.RemoveAll(u => u.Name == name);
            d.Users.Add(entry);
        });
    }

    public bool HasUsers => Read().Users.Count > 0;

    private static readonly string UnknownUserHash = SecretHashing.HashPassword(SecretHashing.NewSecret());

    /// <summary>The claim naming the credential a principal was made from.</summary>
    public const string SourceClaim = "p4flow_source";

    private const string KeySourcePrefix = "key:";
    private const string UserSourcePrefix = "user:";

    public static string KeySource(string keyId) => KeySourcePrefix + keyId;

    public static string UserSource(string name) => UserSourcePrefix + name;

    /// <summary>The role of the key or user a <see cref="SourceClaim"/> names, or null when it is gone.</summary>
    public string? CurrentRole(string source)
    {
        var document = Read();
        return source.StartsWith(KeySourcePrefix, StringComparison.Ordinal) ? document.Keys.FirstOrDefault(k => k.Id == source[KeySourcePrefix.Length..])?.Role
            : source.StartsWith(UserSourcePrefix, StringComparison.Ordinal) ? document.Users.FirstOrDefault(u => u.Name == source[UserSourcePrefix.Length..])?.Role
            : null;
    }

    public UserInfo? VerifyPassword(string name, string password)
    {
        var user = Read().Users.FirstOrDefault(u => u.Name == name);
        // An unknown name costs the same hashing as a known one: the answer's time does not tell which names exist.
        var matches = SecretHashing.PasswordMatches(password, user?.Hash ?? UnknownUserHash);
        return user is not null && matches ? new UserInfo(user.Name, user.Role) : null;
    }

    private static void Check(string name, string role)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) throw new ArgumentException("A name of 1 to 100 characters is required.", nameof(name));
        if (!Roles.IsRole(role)) throw new ArgumentException($"role must be one of {string.Join(", ", Roles.All)} (got '{role}').", nameof(role));
    }

    /// <summary>
    /// The document, read again once it is older than the store lets it be kept (other orchestrators may have changed
    /// it). One request reads it again while the others go on with what was read last, and a store that cannot be
    /// read (the database restarting) leaves every request on the last good document rather than waiting on it.
    /// </summary>
    private Document Read()
    {
        var last = _snapshot;
        if (last is not null && clock.GetUtcNow().UtcDateTime - last.At <= stored.KeepFor) return last.Document;
        if (last is null) _refresh.Enter();
        else if (!_refresh.TryEnter()) return last.Document;
        try
        {
            last = _snapshot;
            var now = clock.GetUtcNow().UtcDateTime;
            if (last is not null && now - last.At <= stored.KeepFor) return last.Document;
            try
            {
                var document = Parse(stored.Load().Json);
                _snapshot = new Snapshot(document, now);
                return document;
            }
            catch (Exception) when (last is not null)
            {
                // Looked at again after another KeepFor.
                _snapshot = last with { At = now };
                return last.Document;
            }
        }
        finally
        {
            _refresh.Exit();
        }
    }

    private void Update(Action<Document> change)
    {
        lock (_gate)
        {
            for (var attempt = 1; ; attempt++)
            {
                var (json, revision) = stored.Load();
                var document = Parse(json);
                change(document);
                if (stored.TrySave(JsonSerializer.Serialize(document, Json), revision))
                {
                    _snapshot = new Snapshot(document, clock.GetUtcNow().UtcDateTime);
                    return;
                }
                if (attempt == WriteAttempts) throw new InvalidOperationException($"The credentials in {stored.Location} kept changing under this change; try again.");
            }
        }
    }

    private static Document Parse(string? json) => json is null ? new() : JsonSerializer.Deserialize<Document>(json, Json) ?? new();

    private sealed class Document
    {
        public List<StoredKey> Keys { get; set; } = [];
        public List<StoredUser> Users { get; set; } = [];
    }

    private sealed record StoredKey(string Id, string Name, string Role, string Hash, DateTime CreatedAt)
    {
        [JsonIgnore]
        public ApiKeyInfo Info => new(Id, Name, Role, CreatedAt);
    }

    private sealed record StoredUser(string Name, string Role, string Hash);
}
