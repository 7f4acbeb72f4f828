using System.Text.Json;
using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>Where an enrolled agent lives and how it was reached, so `agents restart|remove NAME` can reach it again.</summary>
public sealed record Enrolment(
    string Name, string Host, int Port, string User, string KeyRef, string HostKeyStrategy, string? Fingerprint,
    string AgentUser, string Home, bool AsRoot, bool Systemd, IReadOnlyList<string> Labels, DateTimeOffset EnrolledAt)
{
    public AgentLayout Layout => new(Name, AgentUser, Home, AsRoot);
}

/// <summary>
/// The enrolled agents, in bootstrap.enrolments (JSON), written whole on every change; in a cluster, the shared document
/// "enrolments" in the database instead, so that any node can restart or remove an agent another node enrolled (a change
/// is written against the revision it read, and made again on what another node wrote first).
/// </summary>
public sealed class Enrolments(IOptions<BootstrapOptions> options, P4Flow.Cluster.SharedDocuments? shared = null)
{
    public const string Document = "enrolments";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Lock _lock = new();
    private readonly string _path = Path.GetFullPath(options.Value.Enrolments);

    public Enrolment? Find(string name)
    {
        lock (_lock) return Read().FirstOrDefault(e => e.Name == name);
    }

    public void Put(Enrolment enrolment)
    {
        ArgumentNullException.ThrowIfNull(enrolment);
        Change(all => [.. all.Where(e => e.Name != enrolment.Name).Append(enrolment)]);
    }

    public void Remove(string name) => Change(all => [.. all.Where(e => e.Name != name)]);

    private void Change(Func<List<Enrolment>, List<Enrolment>> change)
    {
        lock (_lock)
        {
            if (shared is null)
            {
                Save(change(Read()));
                return;
            }
            for (var attempt = 1; ; attempt++)
            {
                var read = shared.Read(Document);
                var all = read.Json is { } json ? JsonSerializer.Deserialize<List<Enrolment>>(json, Json) ?? [] : [];
                if (shared.TryWrite(Document, JsonSerializer.Serialize(change(all), Json), read.Revision)) return;
                if (attempt == 10) throw new IOException("The enrolments document kept changing under this node (10 attempts): try again.");
            }
        }
    }

    private List<Enrolment> Read()
    {
        if (shared is not null) return shared.Read(Document).Json is { } json ? JsonSerializer.Deserialize<List<Enrolment>>(json, Json) ?? [] : [];
        return File.Exists(_path) ? JsonSerializer.Deserialize<List<Enrolment>>(File.ReadAllText(_path), Json) ?? [] : [];
    }

    private void Save(List<Enrolment> all)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path + ".tmp", JsonSerializer.Serialize(all, Json));
        File.Move(_path + ".tmp", _path, overwrite: true);
    }
}
