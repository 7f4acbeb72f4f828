using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>A command sent to an agent whose result had not come back when the journal was read.</summary>
public sealed record JournaledCommand(string AgentId, string JobId, string Fingerprint, Command Command);

/// <summary>
/// data/hub/journal.jsonl: the hub's memory across restarts. A line per command sent, per result received, per job
/// assigned to or released from an agent. Read at start (a restarted hub still knows which commands are out and
/// numbers new ones above them), rewritten short when it grows. Flushed per line; not fsynced.
/// </summary>
public sealed class HubJournal : IDisposable
{
    private const int CompactAfterLines = 20_000;
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Agent, long Id), JsonObject> _inFlight = [];
    private readonly Dictionary<string, string> _assignments = new(StringComparer.Ordinal);
    private FileStream _file;
    private int _lines;

    public HubJournal(IOptions<AgentsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _path = Path.GetFullPath(options.Value.Journal);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        if (File.Exists(_path))
        {
            foreach (var line in File.ReadLines(_path))
            {
                try
                {
                    if (JsonNode.Parse(line) is JsonObject entry) Apply(entry);
                }
                catch (JsonException)
                {
                    // A line cut short by a crash.
                }
            }
        }
        _file = Compact();
    }

    public IReadOnlyDictionary<string, long> Counters => _counters;
    public IReadOnlyDictionary<string, string> Assignments => _assignments;

    public IReadOnlyList<JournaledCommand> InFlight() => [.. _inFlight.Values.Select(e => new JournaledCommand(
        e["agent"]!.GetValue<string>(), e["job"]!.GetValue<string>(), e["fp"]!.GetValue<string>(), JsonParser.Default.Parse<Command>(e["cmd"]!.ToJsonString())))];

    public void Sent(string agentId, string jobId, string fingerprint, Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        Append(new JsonObject { ["t"] = "sent", ["agent"] = agentId, ["job"] = jobId, ["fp"] = fingerprint, ["cmd"] = JsonNode.Parse(JsonFormatter.Default.Format(command)) });
    }

    public void Done(string agentId, long cmdId) => Append(new JsonObject { ["t"] = "done", ["agent"] = agentId, ["id"] = cmdId });

    public void Assigned(string jobId, string agentId) => Append(new JsonObject { ["t"] = "assign", ["job"] = jobId, ["agent"] = agentId });

    public void Released(string jobId) => Append(new JsonObject { ["t"] = "release", ["job"] = jobId });

    public void Dispose()
    {
        lock (_lock) _file.Dispose();
    }

    private void Append(JsonObject entry)
    {
        lock (_lock)
        {
            Apply(entry);
            _file.Write(Encoding.UTF8.GetBytes(entry.ToJsonString() + "\n"));
            _file.Flush();
            if (++_lines > CompactAfterLines)
            {
                _file.Dispose();
                _file = Compact();
            }
        }
    }

    private void Apply(JsonObject entry)
    {
        switch (entry["t"]?.GetValue<string>())
        {
            case "sent":
                var agent = entry["agent"]!.GetValue<string>();
                var id = entry["cmd"]?["cmdId"] is JsonNode n ? long.Parse(n.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 0;
                _inFlight[(agent, id)] = entry;
                _counters[agent] = Math.Max(_counters.GetValueOrDefault(agent), id);
                break;
            case "done":
                _inFlight.Remove((entry["agent"]!.GetValue<string>(), entry["id"]!.GetValue<long>()));
                break;
            case "assign":
                _assignments[entry["job"]!.GetValue<string>()] = entry["agent"]!.GetValue<string>();
                break;
            case "release":
                _assignments.Remove(entry["job"]!.GetValue<string>());
                break;
            case "counter":
                var who = entry["agent"]!.GetValue<string>();
                _counters[who] = Math.Max(_counters.GetValueOrDefault(who), entry["last"]!.GetValue<long>());
                break;
        }
    }

    private FileStream Compact()
    {
        var temp = _path + ".tmp";
        using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
        {
            foreach (var (agent, last) in _counters) writer.Write(new JsonObject { ["t"] = "counter", ["agent"] = agent, ["last"] = last }.ToJsonString() + "\n");
            foreach (var (job, agent) in _assignments) writer.Write(new JsonObject { ["t"] = "assign", ["job"] = job, ["agent"] = agent }.ToJsonString() + "\n");
            foreach (var entry in _inFlight.Values) writer.Write(entry.ToJsonString() + "\n");
        }
        File.Move(temp, _path, overwrite: true);
        _lines = 0;
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }
}
