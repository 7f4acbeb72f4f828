using Npgsql;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Extensions;

namespace P4Flow.Orchestrator.Hosting;

/// <summary>
/// One orchestrator per PostgreSQL database, for now: a second one on the same database would recover the same jobs and
/// send their commands twice, since the hub's journal, the credentials and the playbooks' files are still each node's
/// own. So the first start holds a session-level advisory lock for as long as it runs (PostgreSQL lets it go when the
/// connection ends, a kill -9 included) and a second start refuses with exit code 3, naming the reason.
/// </summary>
internal sealed partial class DatabaseLease(StateManagementOptions state, ILogger<DatabaseLease> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>The advisory lock's key: "p4flow" as a number, the same for every orchestrator.</summary>
    private const long LockKey = 0x7034666C6F77;
    private NpgsqlConnection? _connection;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(StateDatabase.ConnectionString(state));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection) { Parameters = { new("key", LockKey) } };
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new DatabaseInUseException($"another orchestrator is running on this PostgreSQL database ({connection.Host}:{connection.Port}/{connection.Database}); one orchestrator per database for now, since each keeps its hub journal and credentials in its own folder");
        }
        _connection = connection;
        LogHeld(logger, connection.Host, connection.Port, connection.Database);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_connection is null) return;
        await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
    }

    [LoggerMessage(2005, LogLevel.Information, "This orchestrator holds PostgreSQL database {Host}:{Port}/{Database}")]
    private static partial void LogHeld(ILogger logger, string? host, int port, string? database);
}

/// <summary>The state database is another orchestrator's: a start refused, as for a database another process holds.</summary>
internal sealed class DatabaseInUseException(string message) : IOException(message);
