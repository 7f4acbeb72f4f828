using System.Text.Json;
using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>
/// Trust on first use, with a person in the loop: the first key a host shows is recorded as pending and the
/// bootstrap stops; an admin approves it (POST /api/agents/host-keys/{host}/approve) and later bootstraps proceed
/// while the host shows that same key. Kept in bootstrap.host_keys (JSON).
/// </summary>
public sealed class HostKeyApprovals(IOptions<BootstrapOptions> options, TimeProvider clock)
{
    public enum State { Approved, Pending, New, Changed }

    public sealed record Entry(string Host, int Port, string Type, string Fingerprint, bool Approved, DateTimeOffset FirstSeen, string? ApprovedBy);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Fingerprints stay as ssh-keygen prints them ('+' unescaped), for the people who compare them.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private readonly Lock _lock = new();

    public string Path { get; } = System.IO.Path.GetFullPath(options.Value.HostKeys);

    /// <summary>Where the presented key stands; a host seen for the first time is recorded as pending.</summary>
    public State Check(string host, int port, PresentedHostKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            var entries = Read();
            var known = entries.FirstOrDefault(e => Same(e, host, port));
            if (known is null)
            {
                entries.Add(new Entry(host, port, key.Type, key.Fingerprint, Approved: false, clock.GetUtcNow(), null));
                Save(entries);
                return State.New;
            }
            if (known.Fingerprint != key.Fingerprint) return State.Changed;
            return known.Approved ? State.Approved : State.Pending;
        }
    }

    /// <summary>Approves the pending key of a host; with <paramref name="fingerprint"/>, only if it is that key.</summary>
    /// <returns>The entry, or null when no key of that host waits (with a reason).</returns>
    public Entry? Approve(string host, int port, string? fingerprint, string approvedBy, out string? problem)
    {
        lock (_lock)
        {
            var entries = Read();
            var known = entries.FirstOrDefault(e => Same(e, host, port));
            problem = known is null ? $"no host key of {host}:{port} has been seen: start a bootstrap with hostKeyStrategy tofu first"
                : fingerprint is not null && !HostKeyFingerprint.SameAs(fingerprint, known.Fingerprint) ? $"{host}:{port} showed {known.Fingerprint}, not {fingerprint}"
                : null;
            if (problem is not null) return null;
            var approved = known! with { Approved = true, ApprovedBy = approvedBy };
            entries[entries.IndexOf(known!)] = approved;
            Save(entries);
            return approved;
        }
    }

    public IReadOnlyList<Entry> List()
    {
        lock (_lock) return Read();
    }

    private static bool Same(Entry e, string host, int port) => string.Equals(e.Host, host, StringComparison.OrdinalIgnoreCase) && e.Port == port;

    private List<Entry> Read() => File.Exists(Path) ? JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(Path), Json) ?? [] : [];

    private void Save(List<Entry> entries)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(entries, Json));
        File.Move(temp, Path, overwrite: true);
    }
}
