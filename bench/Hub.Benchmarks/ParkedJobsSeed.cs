using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using P4Flow.Workflows.State;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// Copies a job parked in NEEDS_RESOLVE into many, as if each had run: its rows in the orchestrator's SQLite store
/// (instance, activity records, bookmark), its client workspace on the simulated server (spec, opened files with their
/// pending resolves, have list), its folder on its agent, and its agent assignment in the hub's journal. Only while the
/// orchestrator is stopped. The copies share the template's pending change number on the server, so a copy is only
/// ever checked, never moved on (the benchmark resolves the real templates).
/// </summary>
internal sealed class ParkedJobsSeed(string home, string depotRoot)
{
    private readonly List<(string Template, string Copy, string Agent)> _copies = [];
    private JsonObject? _depot;

    private string Database => Path.Combine(home, "data", "p4flow.db");
    private string DepotJson => Path.Combine(depotRoot, "depot.json");

    /// <summary>Adds <paramref name="count"/> copies of <paramref name="template"/> (on <paramref name="agent"/>), parked at the times <paramref name="parkedAt"/> gives.</summary>
    public async Task CopyAsync(string template, string agent, int count, Func<int, DateTime> parkedAt)
    {
        _depot ??= JsonNode.Parse(await File.ReadAllTextAsync(DepotJson))!.AsObject();
        await using var db = new SqliteConnection($"Data Source={Database}");
        await db.OpenAsync();
        var instance = await ScalarAsync(db, "SELECT Json FROM workflow_instances WHERE Id = $id", template);
        var executions = await RowsAsync(db, "SELECT Id, Sequence, ActivityId, Status, Json FROM activity_executions WHERE InstanceId = $id", template);
        var bookmark = (await RowsAsync(db, "SELECT Id, Json FROM bookmarks WHERE InstanceId = $id", template)).Single();
        var workspace = Path.Combine(home, "agent-" + agent, "ws", template);
        var opened = _depot["Opened"]!.AsArray().Where(o => o!["Client"]!.GetValue<string>() == "p4flow-" + template).Select(o => o!.ToJsonString()).ToList();
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync();
        for (var i = 0; i < count; i++)
        {
            var copy = NewId();
            // Every id the template's rows hold becomes a fresh one in the copy's.
            var ids = new Dictionary<string, string>(StringComparer.Ordinal) { [template] = copy, [(string)bookmark[0]] = NewId() };
            foreach (var row in executions) ids[(string)row[0]] = NewId();
            string Rewrite(string text) => ids.Aggregate(text, (t, p) => t.Replace(p.Key, p.Value, StringComparison.Ordinal));

            var at = parkedAt(i);
            var json = JsonNode.Parse(Rewrite(instance))!.AsObject();
            json["createdAt"] = at.AddSeconds(-1);
            json["updatedAt"] = at;
            foreach (var entry in json["stageHistory"]!.AsArray()) entry!["enteredAt"] = at;
            await ExecuteAsync(db, tx, "INSERT INTO workflow_instances (Id, DefinitionId, DefinitionVersion, Status, CurrentStage, CreatedAt, UpdatedAt, Revision, Json) " +
                "SELECT $copy, DefinitionId, DefinitionVersion, Status, CurrentStage, $created, $updated, Revision, $json FROM workflow_instances WHERE Id = $id",
                ("$copy", copy), ("$created", Stamp(at.AddSeconds(-1))), ("$updated", Stamp(at)), ("$json", json.ToJsonString()), ("$id", template));
            foreach (var row in executions)
            {
                await ExecuteAsync(db, tx, "INSERT INTO activity_executions (Id, InstanceId, Sequence, ActivityId, Status, Json) VALUES ($id, $instance, $sequence, $activity, $status, $json)",
                    ("$id", ids[(string)row[0]]), ("$instance", copy), ("$sequence", row[1]), ("$activity", row[2]), ("$status", row[3]), ("$json", Rewrite((string)row[4])));
            }
            var mark = JsonNode.Parse(Rewrite((string)bookmark[1]))!.AsObject();
            mark["hash"] = Bookmark.ComputeHash(copy, WaitForResolveBookmark);
            await ExecuteAsync(db, tx, "INSERT INTO bookmarks (Id, Hash, InstanceId, Json) VALUES ($id, $hash, $instance, $json)",
                ("$id", ids[(string)bookmark[0]]), ("$hash", mark["hash"]!.GetValue<string>()), ("$instance", copy), ("$json", mark.ToJsonString()));

            CopyClient(template, copy, opened);
            CopyFolder(workspace, Path.Combine(Path.GetDirectoryName(workspace)!, copy));
            _copies.Add((template, copy, agent));
        }
        await tx.CommitAsync();
    }

    /// <summary>Writes the server's depot and the hub journal's assignments: call once, after the last copy.</summary>
    public async Task SaveAsync()
    {
        if (_depot is not null) await File.WriteAllTextAsync(DepotJson, _depot.ToJsonString());
        await File.AppendAllLinesAsync(Path.Combine(home, "data", "hub", "journal.jsonl"),
            _copies.Select(c => new JsonObject { ["t"] = "assign", ["job"] = c.Copy, ["agent"] = c.Agent }.ToJsonString()));
    }

    private const string WaitForResolveBookmark = "resolve";

    /// <summary>The template's client on the server, with its opened files (and their pending resolves) and have list.</summary>
    private void CopyClient(string template, string copy, List<string> templateOpened)
    {
        var from = "p4flow-" + template;
        JsonNode Renamed(string json) => JsonNode.Parse(json.Replace(template, copy, StringComparison.Ordinal))!;
        var clients = _depot!["Clients"]!.AsObject();
        clients["p4flow-" + copy] = Renamed(clients[from]!.ToJsonString());
        var opened = _depot["Opened"]!.AsArray();
        foreach (var open in templateOpened) opened.Add(Renamed(open));
        if (_depot["Have"]?.AsObject() is { } have && have[from] is { } list) have["p4flow-" + copy] = list.DeepClone();
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }

    /// <summary>A fresh 32-digit id, sorting after the templates' as later jobs' ids do.</summary>
    private static string NewId() => "0f" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(15));

    private static string Stamp(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture);

    private static async Task<string> ScalarAsync(SqliteConnection db, string sql, string id)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return (string)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no row for {id}"));
    }

    private static async Task<List<object[]>> RowsAsync(SqliteConnection db, string sql, string id)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(values);
        }
        return rows;
    }

    private static async Task ExecuteAsync(SqliteConnection db, SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}
