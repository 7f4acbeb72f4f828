using System.Security.Cryptography;
using Npgsql;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// This process as a node of the cluster (state_management.type: postgresql): its name, unique per start, and the
/// data source of the cluster's own tables (the lease, presence, the hub's journal and requests), read and written in
/// plain SQL on the hub's hot paths.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    public ClusterNode(ClusterOptions options, string connectionString, string hubAddress)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        // A restarted node is a new one: the old one's lease runs out and a survivor takes over what it left.
        var name = new string([.. (options.NodeName ?? Environment.MachineName).ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-')]);
        Id = $"{name}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
        HubAddress = hubAddress;
        // Statements short enough that a stalled one is noticed well within the lease.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = $"p4flow-{Id}", CommandTimeout = Math.Clamp(options.NodeLease / 3, 5, 30) };
        Database = NpgsqlDataSource.Create(builder.ConnectionString);
        // Listening connections outside the pool: one that listened never serves another caller's statement.
        Listening = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false, KeepAlive = 10 }.ConnectionString);
    }

    public string Id { get; }

    /// <summary>Set when this node lost its lease: from then on it sends no command (another node runs its jobs) while it stops.</summary>
    public bool Fenced { get; private set; }

    public void Fence() => Fenced = true;

    /// <summary>How the Hangfire servers of a node name themselves (server name, then ':' and Hangfire's own suffix).</summary>
    public string HangfireServerPrefix(string nodeId) => nodeId + ":";
    public string HubAddress { get; }
    public ClusterOptions Options { get; }
    public NpgsqlDataSource Database { get; }
    public NpgsqlDataSource Listening { get; }

    /// <summary>One statement, synchronously (the hub's registry journals under its lock); returns the rows it changed.</summary>
    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Database.OpenConnection();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    /// <remarks>
    /// The token only stops the wait for a connection: a statement under way is never cancelled, since PostgreSQL's
    /// cancel request can reach the pooled connection after it moved on to another caller's statement.
    /// </remarks>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>A statement to read with; run it without a token that may fire while it runs (see <see cref="ExecuteAsync"/>).</summary>
    public NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Database.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await Listening.DisposeAsync().ConfigureAwait(false);
        await Database.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Told when a node is taken over (its lease ran out) or leaves cleanly, to take its part of the cluster's work.</summary>
public interface INodeTakeover
{
    /// <param name="nodeId">The node that went.</param>
    /// <param name="clean">It stopped cleanly (this node itself, leaving): nothing of its own work was cut off.</param>
    Task TakeOverAsync(string nodeId, bool clean, CancellationToken cancellationToken);
}
