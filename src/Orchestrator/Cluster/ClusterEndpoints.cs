namespace P4Flow.Orchestrator.Cluster;

/// <summary>One orchestrator of the cluster as GET /api/cluster shows it.</summary>
/// <param name="State">live (its lease is held), down (its lease ran out; <paramref name="TakenBy"/> took over its work) or left (it stopped cleanly).</param>
public sealed record ClusterNodeView(string Id, string State, string HubAddress, string Hostname, int Pid, DateTime StartedAt, DateTime HeartbeatAt,
    DateTime LeaseUntil, DateTime? DownAt, string? TakenBy, int Agents);

/// <param name="Node">This node's id; null on one node (state_management.type: sqlite), which is in no cluster.</param>
public sealed record ClusterView(string? Node, int LeaseSeconds, IReadOnlyList<ClusterNodeView> Nodes);

internal static class ClusterEndpoints
{
    /// <summary>GET /api/cluster: the nodes on the database, live first, with those that went in the last week.</summary>
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/cluster", async (IServiceProvider services) =>
        {
            if (services.GetService<ClusterNode>() is not { } node) return new ClusterView(null, 0, []);
            var nodes = new List<ClusterNodeView>();
            await using var command = node.Command("""
                SELECT n.id, n.hub_address, n.hostname, n.pid, n.started_at, n.heartbeat_at, n.lease_until, n.down_at, n.taken_by,
                       (SELECT count(*) FROM cluster_agents a WHERE a.node_id = n.id)
                FROM cluster_nodes n ORDER BY n.down_at IS NOT NULL, n.down_at DESC, n.started_at
                """);
            // Without the request's token (see ClusterNode.ExecuteAsync); CommandTimeout bounds it.
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var (id, downAt, takenBy) = (reader.GetString(0), reader.IsDBNull(7) ? (DateTime?)null : reader.GetDateTime(7), reader.IsDBNull(8) ? null : reader.GetString(8));
                var state = downAt is null ? "live" : takenBy == id ? "left" : "down";
                nodes.Add(new ClusterNodeView(id, state, reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetDateTime(4), reader.GetDateTime(5),
                    reader.GetDateTime(6), downAt, takenBy, (int)reader.GetInt64(9)));
            }
            return new ClusterView(node.Id, node.Options.NodeLease, nodes);
        }).RequireAuthorization(Security.Roles.Admin).WithTags("Cluster")
        .WithSummary("The orchestrator nodes on the database: live, down (taken over by another) or left, with their hub address and agents.");
}
