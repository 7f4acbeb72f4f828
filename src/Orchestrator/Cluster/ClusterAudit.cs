using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using P4Flow.Orchestrator.Audit;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// The audit log of the whole cluster: every line this node writes to its logs/audit.jsonl is copied to audit_events,
/// and GET /api/audit on any node reads from there, each line with the node that wrote it. The file stays the record a
/// node keeps by itself: a line the database could not take (it was away longer than <see cref="Backlog"/> lines) is
/// still in the file, and the node says how many it dropped.
/// </summary>
public sealed partial class ClusterAudit : BackgroundService, IAuditReader
{
    public const int Backlog = 10_000;
    private const int Batch = 500;
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);
    private readonly ClusterNode _node;
    private readonly AuditLog _audit;
    private readonly ILogger<ClusterAudit> _logger;
    private readonly Channel<AuditEvent> _lines;
    private readonly FileAuditReader _file;
    private long _dropped;

    public ClusterAudit(ClusterNode node, AuditLog audit, ILogger<ClusterAudit> logger)
    {
        // A full backlog drops the newest line (it is in the file) and counts it.
        _lines = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _file = new FileAuditReader(audit);
        _node = node;
        _audit = audit;
        _logger = logger;
        // Subscribed when made (at the host's start), so lines written before the database is ready wait for it.
        audit.Written += Enqueue;
    }

    private void Enqueue(AuditEvent entry) => _lines.Writer.TryWrite(entry);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEvent>(Batch);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < Batch && _lines.Reader.TryRead(out var entry)) batch.Add(entry);
                await WriteAsync(batch, stoppingToken).ConfigureAwait(false);
                batch.Clear();
                if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped) LogDropped(_logger, dropped, Backlog);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left goes in at once, if the database takes it.
            while (batch.Count < Batch * 4 && _lines.Reader.TryRead(out var entry)) batch.Add(entry);
            if (batch.Count > 0) await TryWriteAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            _audit.Written -= Enqueue;
        }
    }

    /// <summary>Tries the batch until the database takes it (the file already has every line).</summary>
    private async Task WriteAsync(List<AuditEvent> batch, CancellationToken stoppingToken)
    {
        while (!await TryWriteAsync(batch).ConfigureAwait(false)) await Task.Delay(RetryEvery, stoppingToken).ConfigureAwait(false);
    }

    private async Task<bool> TryWriteAsync(List<AuditEvent> batch)
    {
        try
        {
            await using var command = _node.Database.CreateCommand("""
                INSERT INTO audit_events (at, event_type, user_name, agent_id, node, line)
                SELECT at, event_type, user_name, agent_id, @node, line FROM unnest(@at, @type, @user, @agent, @line) AS t(at, event_type, user_name, agent_id, line)
                """);
            command.Parameters.AddWithValue("node", _node.Id);
            command.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = batch.Select(e => e.Timestamp.UtcDateTime).ToArray() });
            command.Parameters.Add(Texts("type", batch.Select(e => e.EventType)));
            command.Parameters.Add(Texts("user", batch.Select(e => e.User)));
            command.Parameters.Add(Texts("agent", batch.Select(e => e.AgentId)));
            command.Parameters.Add(Texts("line", batch.Select(e => JsonSerializer.Serialize(e, AuditLog.Json))));
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            LogNotCopied(_logger, batch.Count, ex.Message);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not the database's absence: trying again would fail the same way. The lines are in the file.
            LogNotCopiable(_logger, ex, batch.Count);
            return true;
        }

        static NpgsqlParameter Texts(string name, IEnumerable<string?> values) =>
            new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };
    }

    /// <summary>The whole cluster's lines; while the database cannot be reached, this node's own file, and the page says so.</summary>
    public async Task<AuditPage> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        try
        {
            return await ReadClusterAsync(query).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            LogReadLocally(_logger, ex.Message);
            var page = await _file.ReadAsync(query, cancellationToken).ConfigureAwait(false);
            return page with { Partial = $"The cluster's database cannot be reached ({ex.Message}): only node {_node.Id}'s own lines are listed." };
        }
    }

    // Statements run without the request's token (see ClusterNode.ExecuteAsync); CommandTimeout bounds them.
    private async Task<AuditPage> ReadClusterAsync(AuditQuery query)
    {
        var where = new StringBuilder("TRUE");
        var parameters = new List<(string, object?)>();
        void Match(string column, string name, object? value)
        {
            if (value is null) return;
            where.Append(System.Globalization.CultureInfo.InvariantCulture, $" AND {column} @{name}");
            parameters.Add((name, value));
        }
        Match("event_type =", "type", query.EventType);
        Match("user_name =", "user", query.User);
        Match("agent_id =", "agent", query.AgentId);
        Match("at >=", "since", query.Since?.UtcDateTime);
        Match("at <=", "until", query.Until?.UtcDateTime);

        long total;
        await using (var count = _node.Command($"SELECT count(*) FROM audit_events WHERE {where}", [.. parameters]))
            total = (long)(await count.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
        var items = new List<JsonObject>();
        await using (var page = _node.Command($"SELECT node, line FROM audit_events WHERE {where} ORDER BY at DESC, id DESC LIMIT @size OFFSET @skip",
            [.. parameters, ("size", query.PageSize), ("skip", (long)(query.Page - 1) * query.PageSize)]))
        await using (var reader = await page.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (JsonNode.Parse(reader.GetString(1)) is not JsonObject line) continue;
                line["node"] = reader.GetString(0);
                items.Add(line);
            }
        }
        return new AuditPage(items, (int)Math.Min(total, int.MaxValue), query.Page, query.PageSize);
    }

    [LoggerMessage(2070, LogLevel.Warning, "{Count} audit line(s) are not in the cluster's database yet ({Reason}); tried again shortly, and every one is in this node's audit file")]
    private static partial void LogNotCopied(ILogger logger, int count, string reason);

    [LoggerMessage(2073, LogLevel.Error, "{Count} audit line(s) could not be copied to the cluster's database: they are only in this node's audit file")]
    private static partial void LogNotCopiable(ILogger logger, Exception exception, int count);

    [LoggerMessage(2074, LogLevel.Warning, "The cluster's database cannot be reached to read the audit log ({Reason}): this node's own lines are listed")]
    private static partial void LogReadLocally(ILogger logger, string reason);

    [LoggerMessage(2071, LogLevel.Error, "{Dropped} audit line(s) were not copied to the cluster's database (more than {Backlog} waited for it): they are only in this node's audit file")]
    private static partial void LogDropped(ILogger logger, long dropped, int backlog);
}
