using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.State;

/// <summary>
/// The agent's memory of what it ran, by cmd_id, in {state_dir}/results.jsonl: a line when a command starts and a
/// line with its result when it ends. It survives a restart of the agent, so a command the hub sends again is
/// answered from here instead of running twice. Bounded by count and age; rewritten when it doubles.
/// Lines are flushed to the operating system at once (they survive the agent being killed), not fsynced.
/// </summary>
internal sealed class ResultCache : IDisposable
{
    public const string FileName = "results.jsonl";

    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, Entry> _entries = [];
    private readonly string _path;
    private readonly int _maxEntries;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _clock;
    private FileStream _file;
    private int _linesSinceCompaction;

    public ResultCache(IOptions<AgentOptions> agent, IOptions<CacheOptions> cache, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(cache);
        _clock = clock;
        _maxEntries = cache.Value.MaxEntries;
        _maxAge = TimeSpan.FromHours(cache.Value.MaxAgeHours);
        var dir = Path.GetFullPath(agent.Value.StateDir);
        Directory.CreateDirectory(dir);
        _path = Path.Combine(dir, FileName);
        Load();
        _file = Compact();
    }

    /// <summary>The highest cmd_id this agent has started, including ones since dropped from the cache.</summary>
    public long LastCmdId { get; private set; }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public string FilePath => _path;

    /// <summary>The result of a command that ended, if it is still cached.</summary>
    public bool TryGetResult(long cmdId, out CommandResult result) => TryGetResult(cmdId, out result, out _);

    /// <summary>As <see cref="TryGetResult(long, out CommandResult)"/>, with the job the cached command belonged to.</summary>
    public bool TryGetResult(long cmdId, out CommandResult result, out string jobId)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(cmdId, out var entry) && entry.Result is { } found)
            {
                result = found;
                jobId = entry.JobId;
                return true;
            }
        }
        result = null!;
        jobId = "";
        return false;
    }

    /// <summary>Records that <paramref name="cmdId"/> is about to run; must come before the process starts.</summary>
    public void MarkStarted(long cmdId, string jobId)
    {
        lock (_lock)
        {
            var entry = new Entry(cmdId, jobId, _clock.GetUtcNow(), null);
            _entries[cmdId] = entry;
            LastCmdId = Math.Max(LastCmdId, cmdId);
            Append(entry);
        }
    }

    public void Store(CommandResult result, string jobId)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_lock)
        {
            var entry = new Entry(result.CmdId, jobId, _clock.GetUtcNow(), result);
            _entries[result.CmdId] = entry;
            LastCmdId = Math.Max(LastCmdId, result.CmdId);
            Append(entry);
        }
    }

    public void Dispose()
    {
        lock (_lock) _file.Dispose();
    }

    private void Append(Entry entry)
    {
        Prune();
        var line = Encoding.UTF8.GetBytes(Serialize(entry) + "\n");
        _file.Write(line);
        _file.Flush();
        if (++_linesSinceCompaction > _maxEntries * 2)
        {
            _file.Dispose();
            _file = Compact();
        }
    }

    private void Prune()
    {
        var oldest = _clock.GetUtcNow() - _maxAge;
        while (_entries.Count > 0)
        {
            var first = _entries.First();
            if (_entries.Count <= _maxEntries && first.Value.At >= oldest) break;
            _entries.Remove(first.Key);
        }
    }

    private void Load()
    {
        if (!File.Exists(_path)) return;
        foreach (var line in File.ReadLines(_path))
        {
            if (line.Length == 0) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.TryGetProperty("last", out var last))
                {
                    LastCmdId = Math.Max(LastCmdId, last.GetInt64());
                    continue;
                }
                var id = root.GetProperty("id").GetInt64();
                var job = root.TryGetProperty("job", out var j) ? j.GetString() ?? "" : "";
                var at = root.GetProperty("at").GetDateTimeOffset();
                var result = root.TryGetProperty("pb", out var pb) ? CommandResult.Parser.ParseFrom(pb.GetBytesFromBase64())
                    : root.TryGetProperty("result", out var r) ? JsonParser.Default.Parse<CommandResult>(r.GetRawText()) // as older agents wrote it
                    : null;
                // A later line wins; a start line never hides a result already known.
                if (result is null && _entries.TryGetValue(id, out var known) && known.Result is not null) continue;
                _entries[id] = new Entry(id, job, at, result);
                LastCmdId = Math.Max(LastCmdId, id);
            }
            catch (Exception ex) when (ex is JsonException or InvalidProtocolBufferException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                // A line cut short by a crash: everything before it still counts.
            }
        }
        Prune();
    }

    private FileStream Compact()
    {
        var temp = _path + ".tmp";
        using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
        {
            writer.Write($"{{\"last\":{LastCmdId}}}\n");
            foreach (var entry in _entries.Values) writer.Write(Serialize(entry) + "\n");
        }
        File.Move(temp, _path, overwrite: true);
        _linesSinceCompaction = 0;
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    private static string Serialize(Entry entry)
    {
        var json = new StringBuilder();
        json.Append("{\"id\":").Append(entry.CmdId)
            .Append(",\"job\":").Append(JsonSerializer.Serialize(entry.JobId))
            .Append(",\"at\":").Append(JsonSerializer.Serialize(entry.At));
        // The result as its protobuf bytes: a fraction of the cost of the protobuf JSON formatter, on every command's way back.
        if (entry.Result is { } result) json.Append(",\"pb\":\"").Append(Convert.ToBase64String(result.ToByteArray())).Append('"');
        return json.Append('}').ToString();
    }

    private sealed record Entry(long CmdId, string JobId, DateTimeOffset At, CommandResult? Result);
}
