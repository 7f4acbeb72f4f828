using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Admission;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>A command sent to an agent whose result had not come back when the journal was read.</summary>
public sealed record JournaledCommand(string AgentId, string JobId, string Fingerprint, Command Command);

/// <summary>What the journal holds of one agent, read when it connects (a node of a cluster learns there what other nodes sent it).</summary>
/// <param name="Jobs">The jobs placed on the agent (parked or not); with <paramref name="Whole"/>, all of them (a cluster's journal is the truth, this node's memory is not).</param>
public sealed record AgentMemory(long LastCmdId, IReadOnlyList<JournaledCommand> InFlight, IReadOnlyDictionary<string, bool> Jobs, bool Whole = false)
{
    public static AgentMemory None { get; } = new(0, [], new Dictionary<string, bool>());
}

/// <summary>The hub's memory across restarts (and, in a cluster, across nodes): a file on one node, the database in a cluster.</summary>
public interface IHubJournal
{
    IReadOnlyDictionary<string, long> Counters { get; }
    IReadOnlyDictionary<string, string> Assignments { get; }
    IReadOnlySet<string> Draining { get; }
    IReadOnlyList<JournaledCommand> InFlight();
    /// <summary>What the journal holds of the agent beyond what it gave at start (nothing, for the file: it gave all).</summary>
    AgentMemory Load(string agentId);
    /// <summary>The number for the agent's next command, above <paramref name="last"/> (this hub's last) and any other hub's.</summary>
    long NextCmdId(string agentId, long last);
    void Sent(string agentId, string jobId, string fingerprint, Command command);
    void SentSecret(string agentId, long cmdId);
    void Done(string agentId, long cmdId);
    /// <returns>The agent that holds the job: <paramref name="agentId"/>, or the one another hub placed it on first.</returns>
    string Assigned(string jobId, string agentId, JobDemand demand);
    void Released(string jobId);
    void Drain(string agentId, bool draining);
}

/// <summary>
/// data/hub/journal.jsonl: the hub's memory across restarts. A line per command sent, per result received, per job
/// assigned to or released from an agent, per agent drained or undrained. Read at start (a restarted hub still knows which commands are out and
/// numbers new ones above them), rewritten short when it grows. Flushed per line; not fsynced. Lines are written
/// straight from their fields (every command passes here) and parsed back only when the journal is read.
/// </summary>
public sealed class HubJournal : IHubJournal, IDisposable
{
    private const int CompactAfterLines = 20_000;
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);
    /// <summary>The "sent" lines of commands still out, as written.</summary>
    private readonly Dictionary<(string Agent, long Id), string> _inFlight = [];
    private readonly Dictionary<string, string> _assignments = new(StringComparer.Ordinal);
    private readonly HashSet<string> _draining = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private FileStream _file;
    private int _lines;

    public HubJournal(IOptions<AgentsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _path = Path.GetFullPath(options.Value.Journal);
        _json = new Utf8JsonWriter(_buffer);
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

    /// <summary>Agents an admin drained: they get no new job until undrained, across restarts too.</summary>
    public IReadOnlySet<string> Draining => _draining;

    public AgentMemory Load(string agentId) => AgentMemory.None;

    public long NextCmdId(string agentId, long last) => last + 1;

    public IReadOnlyList<JournaledCommand> InFlight() => [.. _inFlight.Values.Select(line => JsonNode.Parse(line)!.AsObject()).Select(e => new JournaledCommand(
        e["agent"]!.GetValue<string>(), e["job"]!.GetValue<string>(), e["fp"]!.GetValue<string>(), CommandOf(e)))];

    /// <summary>
    /// The command goes in as its protobuf bytes ("pb", base64): a tenth of the cost of the protobuf JSON formatter,
    /// and whole whatever fields Command gains. Lines with the command as JSON ("cmd") are still read.
    /// </summary>
    public void Sent(string agentId, string jobId, string fingerprint, Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var bytes = command.ToByteArray();
        Append(json =>
        {
            json.WriteString("t", "sent");
            json.WriteString("agent", agentId);
            json.WriteString("job", jobId);
            json.WriteString("fp", fingerprint);
            json.WriteNumber("id", command.CmdId);
            json.WriteBase64String("pb", bytes);
        }, line => ApplySent(agentId, command.CmdId, Encoding.UTF8.GetString(line[..^1])));
    }

    /// <summary>
    /// A command whose input is a secret (a p4 login's password) is not kept: only its cmd_id, so numbers are never
    /// reused. After a restart nobody waits for it any more; the job that asked logs in again if it still must.
    /// </summary>
    public void SentSecret(string agentId, long cmdId) => Append(json =>
    {
        json.WriteString("t", "counter");
        json.WriteString("agent", agentId);
        json.WriteNumber("last", cmdId);
    }, _ => _counters[agentId] = Math.Max(_counters.GetValueOrDefault(agentId), cmdId));

    public void Done(string agentId, long cmdId) => Append(json =>
    {
        json.WriteString("t", "done");
        json.WriteString("agent", agentId);
        json.WriteNumber("id", cmdId);
    }, _ => _inFlight.Remove((agentId, cmdId)));

    /// <summary>The demand is not written: admission gives it back from the job's input at a restart (<see cref="AgentRegistry.Restore"/>).</summary>
    public string Assigned(string jobId, string agentId, JobDemand demand)
    {
        Append(json =>
        {
            json.WriteString("t", "assign");
            json.WriteString("job", jobId);
            json.WriteString("agent", agentId);
        }, _ => _assignments[jobId] = agentId);
        return agentId;
    }

    public void Released(string jobId) => Append(json =>
    {
        json.WriteString("t", "release");
        json.WriteString("job", jobId);
    }, _ => _assignments.Remove(jobId));

    public void Drain(string agentId, bool draining) => Append(json =>
    {
        json.WriteString("t", draining ? "drain" : "undrain");
        json.WriteString("agent", agentId);
    }, _ =>
    {
        if (draining) _draining.Add(agentId);
        else _draining.Remove(agentId);
    });

    public void Dispose()
    {
        lock (_lock)
        {
            _file.Dispose();
            _json.Dispose();
        }
    }

    /// <summary>Writes and flushes one line (a JSON object of <paramref name="fields"/>), applying it to the state first.</summary>
    /// <param name="apply">Given the line as written, newline included.</param>
    private void Append(Action<Utf8JsonWriter> fields, Action<ReadOnlySpan<byte>> apply)
    {
        lock (_lock)
        {
            _buffer.ResetWrittenCount();
            _json.Reset();
            _json.WriteStartObject();
            fields(_json);
            _json.WriteEndObject();
            _json.Flush();
            _buffer.Write("\n"u8);
            apply(_buffer.WrittenSpan);
            _file.Write(_buffer.WrittenSpan);
            _file.Flush();
            if (++_lines > CompactAfterLines)
            {
                _file.Dispose();
                _file = Compact();
            }
        }
    }

    private void ApplySent(string agent, long id, string line)
    {
        _inFlight[(agent, id)] = line;
        _counters[agent] = Math.Max(_counters.GetValueOrDefault(agent), id);
    }

    /// <summary>A line read back at start.</summary>
    private void Apply(JsonObject entry)
    {
        switch (entry["t"]?.GetValue<string>())
        {
            case "sent":
                var id = entry["id"]?.GetValue<long>() ?? (entry["cmd"]?["cmdId"] is JsonNode n ? long.Parse(n.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 0);
                ApplySent(entry["agent"]!.GetValue<string>(), id, entry.ToJsonString());
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
            case "drain":
                _draining.Add(entry["agent"]!.GetValue<string>());
                break;
            case "undrain":
                _draining.Remove(entry["agent"]!.GetValue<string>());
                break;
            case "counter":
                var who = entry["agent"]!.GetValue<string>();
                _counters[who] = Math.Max(_counters.GetValueOrDefault(who), entry["last"]!.GetValue<long>());
                break;
        }
    }

    private static Command CommandOf(JsonObject sent) => sent["pb"] is JsonNode pb
        ? Command.Parser.ParseFrom(System.Convert.FromBase64String(pb.GetValue<string>()))
        : JsonParser.Default.Parse<Command>(sent["cmd"]!.ToJsonString());

    private FileStream Compact()
    {
        var temp = _path + ".tmp";
        using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
        {
            foreach (var (agent, last) in _counters) writer.Write(new JsonObject { ["t"] = "counter", ["agent"] = agent, ["last"] = last }.ToJsonString() + "\n");
            foreach (var (job, agent) in _assignments) writer.Write(new JsonObject { ["t"] = "assign", ["job"] = job, ["agent"] = agent }.ToJsonString() + "\n");
            foreach (var line in _inFlight.Values) writer.Write(line + "\n");
            foreach (var agent in _draining) writer.Write(new JsonObject { ["t"] = "drain", ["agent"] = agent }.ToJsonString() + "\n");
        }
        File.Move(temp, _path, overwrite: true);
        _lines = 0;
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }
}
