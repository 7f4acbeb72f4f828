using System.Diagnostics;
using Npgsql;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// This node's lease in cluster_nodes, renewed every sixth of cluster.node_lease for two thirds of it, and the watch
/// over the others': the first node that sees a lease run out marks that node down (one UPDATE, so only one node wins)
/// and takes over its work (<see cref="INodeTakeover"/>): a kill -9 is taken over within node_lease. A node that finds
/// itself marked down, or cannot renew before its lease runs out, stops (exit 3): another node has its work by then,
/// and it must not run a job's command beside it. Times are the database's, so the nodes' clocks do not matter.
/// The renewals run on a thread of their own, in plain synchronous statements: a node whose thread pool is starved by
/// its work (a busy machine) still renews, so its lease says whether the process lives, not how busy it is.
/// </summary>
internal sealed partial class NodeLease(ClusterNode node, IEnumerable<INodeTakeover> takeovers, IHostApplicationLifetime lifetime, ILogger<NodeLease> logger,
    Observability.P4FlowMetrics? metrics = null) : BackgroundService
{
    /// <summary>How long a node that went stays listed (GET /api/cluster); a start is a new node, so the table would only grow.</summary>
    public static readonly TimeSpan Forgotten = TimeSpan.FromDays(7);
    private readonly CancellationTokenSource _leaving = new();
    private long _heldUntil;
    private int _stopped;
    private Thread? _renewals;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await node.ExecuteAsync(
            "INSERT INTO cluster_nodes (id, hub_address, hostname, pid, started_at, heartbeat_at, lease_until) VALUES (@id, @hub, @host, @pid, now(), now(), now() + @held)",
            cancellationToken, ("id", node.Id), ("hub", node.HubAddress), ("host", Environment.MachineName), ("pid", Environment.ProcessId), ("held", node.Options.Held)).ConfigureAwait(false);
        Interlocked.Exchange(ref _heldUntil, Stopwatch.GetTimestamp() + (long)(node.Options.Held.TotalSeconds * Stopwatch.Frequency));
        await node.ExecuteAsync("DELETE FROM cluster_nodes WHERE down_at < now() - @forgotten", cancellationToken, ("forgotten", Forgotten)).ConfigureAwait(false);
        LogJoined(logger, node.Id, node.Options.NodeLease);
        _renewals = new Thread(RenewWhileAlive) { IsBackground = true, Name = "p4flow node lease" };
        _renewals.Start();
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The other nodes' leases: the first to see one run out takes its work.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task takingOver = Task.CompletedTask;
        using var timer = new PeriodicTimer(node.Options.CheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            // Taken over beside the renewals (a takeover reads much; this node's own lease must not run out meanwhile).
            if (node.Fenced || !takingOver.IsCompleted) continue;
            try
            {
                var dead = await MarkDownAsync(stoppingToken).ConfigureAwait(false);
                if (dead.Count > 0) takingOver = Task.Run(async () =>
                {
                    foreach (var id in dead) await TakeOverAsync(id, clean: false, stoppingToken).ConfigureAwait(false);
                }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogUnreachable(logger, ex.Message);
            }
        }
    }

    private void RenewWhileAlive()
    {
        var leaving = _leaving.Token;
        while (!leaving.WaitHandle.WaitOne(node.Options.CheckEvery))
        {
            try
            {
                if (!Renew())
                {
                    Stop("another node marked it down (its lease ran out unrenewed) and took over its work");
                    return;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !leaving.IsCancellationRequested)
            {
                LogUnreachable(logger, ex.Message);
            }
            // Whatever the database did (failed, or answered too late), a lease not renewed in time is lost.
            if (Stopwatch.GetTimestamp() > Interlocked.Read(ref _heldUntil) && !leaving.IsCancellationRequested)
            {
                Stop("it could not renew its lease before it ran out, so another node may have taken over its work");
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _leaving.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Leaving: the others need not wait for the lease to run out; this node's agents go to them.
            if (await node.ExecuteAsync("UPDATE cluster_nodes SET down_at = now(), taken_by = @id WHERE id = @id AND down_at IS NULL", cancellationToken, ("id", node.Id)).ConfigureAwait(false) > 0)
                await TakeOverAsync(node.Id, clean: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            LogUnreachable(logger, ex.Message);
        }
    }

    private bool Renew()
    {
        // Counted from before the statement went: the database's now() is no earlier than this.
        var sent = Stopwatch.GetTimestamp();
        var renewed = node.Execute("UPDATE cluster_nodes SET heartbeat_at = now(), lease_until = now() + @held WHERE id = @id AND down_at IS NULL",
            ("id", node.Id), ("held", node.Options.Held)) > 0;
        if (renewed) Interlocked.Exchange(ref _heldUntil, sent + (long)(node.Options.Held.TotalSeconds * Stopwatch.Frequency));
        return renewed;
    }

    private async Task<IReadOnlyList<string>> MarkDownAsync(CancellationToken cancellationToken)
    {
        await using var command = node.Command("UPDATE cluster_nodes SET down_at = now(), taken_by = @id WHERE down_at IS NULL AND lease_until < now() AND id <> @id RETURNING id", ("id", node.Id));
        var dead = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false)) dead.Add(reader.GetString(0));
        if (metrics is not null)
        {
            try
            {
                await using var live = node.Command("SELECT count(*) FROM cluster_nodes WHERE down_at IS NULL");
                metrics.ClusterNodes((long)(await live.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The nodes just marked down are this node's to take over whatever the count did.
                LogUnreachable(logger, ex.Message);
            }
        }
        return dead;
    }

    private async Task TakeOverAsync(string nodeId, bool clean, CancellationToken cancellationToken)
    {
        if (!clean) LogNodeDown(logger, nodeId, node.Options.NodeLease);
        foreach (var takeover in takeovers)
        {
            try
            {
                await takeover.TakeOverAsync(nodeId, clean, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One part failing leaves the others to do theirs; the node is marked down either way.
                LogTakeoverFailed(logger, ex, nodeId, takeover.GetType().Name);
            }
        }
        if (clean) return;
        metrics?.ClusterTookOver();
        LogTookOver(logger, nodeId);
    }

    private void Stop(string why)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        // At once, before the graceful stop: no command leaves this node from now on.
        node.Fence();
        LogLost(logger, node.Id, why);
        Environment.ExitCode = Configuration.StartupError.StorageExitCode;
        lifetime.StopApplication();
    }

    public override void Dispose()
    {
        _leaving.Dispose();
        base.Dispose();
    }

    [LoggerMessage(2005, LogLevel.Information, "Node {NodeId} joined the cluster (cluster.node_lease {Lease} s)")]
    private static partial void LogJoined(ILogger logger, string nodeId, int lease);

    [LoggerMessage(2008, LogLevel.Warning, "The cluster's database cannot be reached to renew this node's lease: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(2009, LogLevel.Critical, "Node {NodeId} stops: {Why}; no job may run on two nodes")]
    private static partial void LogLost(ILogger logger, string nodeId, string why);

    [LoggerMessage(2010, LogLevel.Warning, "Node {NodeId} did not renew its lease (cluster.node_lease {Lease} s): taking over its work")]
    private static partial void LogNodeDown(ILogger logger, string nodeId, int lease);

    [LoggerMessage(2011, LogLevel.Information, "Took over the work of node {NodeId}")]
    private static partial void LogTookOver(ILogger logger, string nodeId);

    [LoggerMessage(2012, LogLevel.Error, "Taking over node {NodeId}: {Part} failed")]
    private static partial void LogTakeoverFailed(ILogger logger, Exception exception, string nodeId, string part);
}
