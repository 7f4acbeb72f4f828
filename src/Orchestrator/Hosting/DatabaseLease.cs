using Npgsql;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Extensions;

namespace P4Flow.Orchestrator.Hosting;

/// <summary>
/// One orchestrator per PostgreSQL database, for now: a second one on the same database would recover the same jobs and
/// send their commands twice, since the hub's journal, enrolments and the playbooks' files are still each node's own.
/// So the first start holds a session-level advisory lock for as long as it runs (PostgreSQL lets it go when the
/// connection ends, a kill -9 included) and a second start refuses with exit code 3, naming the reason. A lock lost
/// with its connection (the server restarted) is taken again; one another orchestrator took meanwhile stops this one.
/// </summary>
internal sealed partial class DatabaseLease(StateManagementOptions state, IHostApplicationLifetime lifetime, ILogger<DatabaseLease> logger) : BackgroundService
{
    /// <summary>The advisory lock's key: "p4flow" as a number, the same for every orchestrator.</summary>
    private const long LockKey = 0x7034666C6F77;
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);
    private NpgsqlConnection? _connection;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryTakeAsync(cancellationToken).ConfigureAwait(false))
            throw new DatabaseInUseException($"another orchestrator is running on this PostgreSQL database ({Where()}); one orchestrator per database for now, since each keeps its hub journal in its own folder");
        LogHeld(logger, Where());
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (await StillHeldAsync(stoppingToken).ConfigureAwait(false)) continue;
            try
            {
                if (await TryTakeAsync(stoppingToken).ConfigureAwait(false))
                {
                    LogTakenAgain(logger, Where());
                    continue;
                }
            }
            catch (NpgsqlException ex)
            {
                // The server is still down: the stores' own retries wait for it too; look again at the next tick.
                LogUnreachable(logger, ex.Message);
                continue;
            }
            LogTakenByAnother(logger, Where());
            Environment.ExitCode = Configuration.StartupError.StorageExitCode;
            lifetime.StopApplication();
            return;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _connection?.Dispose();
        base.Dispose();
    }

    /// <summary>This process's lease sessions, by name: a session of ours the server still keeps (a stalled client it has not noticed) can be told from another orchestrator's.</summary>
    private readonly string _applicationName = $"p4flow-lease-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>
    /// Opens a connection of its own (outside the pool, so closing it ends the session and the lock with it; with TCP
    /// keepalives, so a dead peer is noticed) and asks for the lock on it; false when another session holds it. A
    /// session of this process that still holds it (the server kept it while this end saw the connection fail) is ended
    /// first.
    /// </summary>
    private async Task<bool> TryTakeAsync(CancellationToken cancellationToken)
    {
        await CloseAsync().ConfigureAwait(false);
        var settings = new NpgsqlConnectionStringBuilder(StateDatabase.ConnectionString(state))
        {
            Pooling = false, ApplicationName = _applicationName, KeepAlive = 10, TcpKeepAlive = true,
        };
        var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var stale = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @name AND pid <> pg_backend_pid()", connection) { Parameters = { new("name", _applicationName) } })
                await stale.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection) { Parameters = { new("key", LockKey) } };
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                _connection = connection;
                return true;
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>Whether this session still holds the lock (a restarted server ended the session, and the lock with it).</summary>
    private async Task<bool> StillHeldAsync(CancellationToken cancellationToken)
    {
        if (_connection is null) return false;
        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND granted", _connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            LogLost(logger, ex.Message);
            return false;
        }
    }

    /// <summary>Lets the lock go (said, then the session ends: the connection is not pooled).</summary>
    private async Task CloseAsync()
    {
        if (_connection is null) return;
        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection) { Parameters = { new("key", LockKey) } };
            await unlock.ExecuteScalarAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The session is gone already, and the lock with it.
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
    }

    private string Where()
    {
        var parsed = new NpgsqlConnectionStringBuilder(StateDatabase.ConnectionString(state));
        return $"{parsed.Host}:{parsed.Port}/{parsed.Database}";
    }

    [LoggerMessage(2005, LogLevel.Information, "This orchestrator holds PostgreSQL database {Database}")]
    private static partial void LogHeld(ILogger logger, string database);

    [LoggerMessage(2006, LogLevel.Warning, "The session holding this orchestrator's lock on its PostgreSQL database ended ({Reason}): taking it again")]
    private static partial void LogLost(ILogger logger, string reason);

    [LoggerMessage(2007, LogLevel.Information, "This orchestrator holds PostgreSQL database {Database} again")]
    private static partial void LogTakenAgain(ILogger logger, string database);

    [LoggerMessage(2008, LogLevel.Warning, "PostgreSQL cannot be reached to take this orchestrator's lock again: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(2009, LogLevel.Critical, "Another orchestrator took PostgreSQL database {Database} while this one had lost its connection: stopping, so that no job runs on two")]
    private static partial void LogTakenByAnother(ILogger logger, string database);
}

/// <summary>The state database is another orchestrator's: a start refused, as for a database another process holds.</summary>
internal sealed class DatabaseInUseException(string message) : IOException(message);
