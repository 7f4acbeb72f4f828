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

/// <summary>The enrolled agents, in bootstrap.enrolments (JSON), written whole on every change.</summary>
public sealed class Enrolments(IOptions<BootstrapOptions> options)
{
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
        lock (_lock)
        {
            var all = Read().Where(e => e.Name != enrolment.Name).Append(enrolment).ToList();
            Save(all);
        }
    }

    public void Remove(string name)
    {
        lock (_lock) Save([.. Read().Where(e => e.Name != name)]);
    }

    private List<Enrolment> Read() => File.Exists(_path) ? JsonSerializer.Deserialize<List<Enrolment>>(File.ReadAllText(_path), Json) ?? [] : [];

    private void Save(List<Enrolment> all)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path + ".tmp", JsonSerializer.Serialize(all, Json));
        File.Move(_path + ".tmp", _path, overwrite: true);
    }
}
