using System.Text.Json;
using P4Flow.Orchestrator.Admission;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// Admission is each node's own (its quota, its queue), but people look at it through any node: every
/// <see cref="PublishEvery"/> this node writes its <see cref="AdmissionView"/> into its cluster_nodes row and reads the
/// other live nodes' back, so GET /api/admission lists every node's queue and a job queued on another node shows its
/// place there (<see cref="PositionOf"/>).
/// </summary>
public sealed partial class ClusterAdmission(ClusterNode node, AdmissionControl admission, ILogger<ClusterAdmission> logger)
    : BackgroundService, Studio.Services.IQueuePositions
{
    public static readonly TimeSpan PublishEvery = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile IReadOnlyList<AdmissionView> _elsewhere = [];
    private string? _published;

    /// <summary>The other live nodes' admission, as they last wrote it, each with its node.</summary>
    public IReadOnlyList<AdmissionView> Elsewhere => _elsewhere;

    /// <summary>This node's admission, with the other nodes' beside it.</summary>
    public AdmissionView Snapshot() => admission.Snapshot() with { Node = node.Id, Nodes = _elsewhere };

    public int? PositionOf(string jobId) =>
        admission.PositionOf(jobId) ?? _elsewhere.SelectMany(n => n.Waiting).FirstOrDefault(j => j.JobId == jobId)?.Position;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PublishEvery);
        do
        {
            try
            {
                await PublishAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogUnreachable(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        // Written only when it changed: a quiet node costs one read every few seconds.
        var mine = JsonSerializer.Serialize(admission.Snapshot() with { Node = node.Id }, Json);
        if (mine != _published)
        {
            await node.ExecuteAsync("UPDATE cluster_nodes SET admission = @a WHERE id = @id", cancellationToken, ("a", mine), ("id", node.Id)).ConfigureAwait(false);
            _published = mine;
        }
        var elsewhere = new List<AdmissionView>();
        await using (var command = node.Command("SELECT id, admission FROM cluster_nodes WHERE down_at IS NULL AND id <> @id AND admission IS NOT NULL ORDER BY started_at", ("id", node.Id)))
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (Read(reader.GetString(1)) is { } view) elsewhere.Add(view with { Node = reader.GetString(0) });
            }
        }
        _elsewhere = elsewhere;
    }

    /// <summary>A view another version wrote that this one cannot read is left out, not fatal.</summary>
    private static AdmissionView? Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<AdmissionView>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(2072, LogLevel.Warning, "The cluster's database cannot be reached to share this node's admission queue: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}
