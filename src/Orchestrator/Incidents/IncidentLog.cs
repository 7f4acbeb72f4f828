using System.Text.Json;
using Microsoft.Extensions.Options;
using P4Flow.Notifications;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Observability;

namespace P4Flow.Orchestrator.Incidents;

/// <summary>
/// state_management.incidents_file (data/incidents.jsonl): every incident, one JSON object per line, appended when a playbook ends (the newest version
/// of an id wins when read). Each one is counted in p4_incidents_total and raised as the `incident` notification. In a
/// cluster the incidents are listed from the shared document "incidents" (the newest <see cref="SharedKept"/>, every
/// node's), so any node's API and Studio show what every node's playbooks did; the file stays the node's own record.
/// </summary>
public sealed partial class IncidentLog(NotificationOutbox outbox, P4FlowMetrics metrics, IOptions<StateManagementOptions> options, ILogger<IncidentLog> logger,
    P4Flow.Cluster.SharedDocuments? shared = null)
    : P4Flow.Studio.Services.IIncidentList
{
    public const string Document = "incidents";
    public const int SharedKept = 1000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _lock = new();
    private readonly string _path = Path.GetFullPath(options.Value.IncidentsFile);

    /// <summary>Whether an `incident` notification has a channel to go to (the playbook says so in its notify step).</summary>
    public bool Notifies => outbox.Routes(Topics.Incident);

    public async Task RecordAsync(Incident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        lock (_lock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.AppendAllText(_path, JsonSerializer.Serialize(incident, Json) + "\n");
            if (shared is not null) Share(incident);
        }
        metrics.IncidentHandled(incident.Playbook, incident.Outcome);
        LogRecorded(logger, incident.Playbook, incident.Id, incident.Outcome, incident.Summary);
        if (Notifies)
        {
            var payload = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(incident, Json))!;
            await outbox.RaiseAsync(Topics.Incident, $"incident/{incident.Id}", null, payload, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Written against the revision read, again on what another node wrote first; the newest version of an id wins.</summary>
    private void Share(Incident incident)
    {
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var read = shared!.Read(Document);
            var all = read.Json is { } json ? JsonSerializer.Deserialize<List<Incident>>(json, Json) ?? [] : [];
            all = [.. all.Where(i => i.Id != incident.Id).Append(incident).OrderByDescending(i => i.StartedAt).Take(SharedKept)];
            if (shared.TryWrite(Document, JsonSerializer.Serialize(all, Json), read.Revision)) return;
        }
        LogNotShared(logger, incident.Id);
    }

    /// <summary>Newest first, at most <paramref name="limit"/>; optionally of one playbook.</summary>
    public IReadOnlyList<Incident> List(string? playbook, int limit)
    {
        if (shared is not null)
        {
            var kept = shared.Read(Document).Json is { } json ? JsonSerializer.Deserialize<List<Incident>>(json, Json) ?? [] : [];
            return [.. kept.Where(i => playbook is null || i.Playbook == playbook).OrderByDescending(i => i.StartedAt).Take(limit)];
        }
        if (!File.Exists(_path)) return [];
        var byId = new Dictionary<string, Incident>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var line in File.ReadLines(_path))
            {
                try
                {
                    if (line.Length > 0 && JsonSerializer.Deserialize<Incident>(line, Json) is { } incident) byId[incident.Id] = incident;
                }
                catch (JsonException)
                {
                    // A line cut short by a crash.
                }
            }
        }
        return [.. byId.Values.Where(i => playbook is null || i.Playbook == playbook).OrderByDescending(i => i.StartedAt).Take(limit)];
    }

    /// <summary>For the Studio's Incidents page.</summary>
    IReadOnlyList<P4Flow.Studio.Services.IncidentInfo> P4Flow.Studio.Services.IIncidentList.List(int limit) =>
        [.. List(null, limit).Select(i => new P4Flow.Studio.Services.IncidentInfo(i.Id, i.Playbook, i.StartedAt, i.Outcome, i.Summary,
            [.. i.Steps.Select(s => new P4Flow.Studio.Services.IncidentStepInfo(s.Step, s.At, s.Outcome, s.Detail))]))];

    [LoggerMessage(7002, LogLevel.Warning, "Incident {IncidentId} is in this node's file but not in the cluster's list: the shared document kept changing under it")]
    private static partial void LogNotShared(ILogger logger, string incidentId);

    [LoggerMessage(7001, LogLevel.Warning, "Incident {Playbook} {IncidentId}: {Outcome}. {Summary}")]
    private static partial void LogRecorded(ILogger logger, string playbook, string incidentId, string outcome, string summary);
}
