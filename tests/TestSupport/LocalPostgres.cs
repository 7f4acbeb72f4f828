using System.Diagnostics;
using System.Security.Cryptography;

namespace P4Flow.TestSupport;

/// <summary>
/// A real PostgreSQL server (Debian's postgresql package) in a temporary folder, on a free 127.0.0.1 port, for the
/// cluster tests and benchmarks. PostgreSQL refuses to run as root, so as root its programs run as the postgres user
/// (runuser keeps the environment, so the test run's markers reach the server and its children). Password
/// authentication over TCP, as a deployment has it; the password is generated per server.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    public const string User = "p4flow";
    private CapturedProcess _server;
    private readonly string _bin;
    private bool _disposed;

    private LocalPostgres(CapturedProcess server, string bin, string dir, int port, string password)
    {
        _server = server;
        _bin = bin;
        Dir = dir;
        Port = port;
        Password = password;
    }

    public string Dir { get; }
    public int Port { get; }
    public string Password { get; }
    public string Output => _server.Output;

    /// <summary>Where Debian installs the newest PostgreSQL's programs; null when none is installed.</summary>
    public static string? BinDir =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "postgres")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault()
            : null;

    public static async Task<LocalPostgres> StartAsync()
    {
        var bin = BinDir ?? throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/postgres): test.sh installs Debian's postgresql package.");
        var dir = Path.Combine(Path.GetTempPath(), "p4flow-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(dir);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(dir, "password");
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        if (IsRoot) await RunAsync("chown", ["-R", "postgres:postgres", dir]);
        await RunAsync(AsPostgres(Path.Combine(bin, "initdb")), [.. AsPostgresArgs(Path.Combine(bin, "initdb")),
            "-D", data, "-U", User, "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        File.Delete(passwordFile);
        var port = Loopback.FreePort();
        var server = StartServer(bin, dir, port);
        var local = new LocalPostgres(server, bin, dir, port, password);
        try
        {
            await Eventually.Until(local.ReadyAsync, ready => ready || server.HasExited, TimeSpan.FromSeconds(60), "PostgreSQL to accept connections");
            if (server.HasExited) throw new InvalidOperationException("PostgreSQL exited at start:\n" + server.Output);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
        return local;
    }

    /// <summary>The server in the foreground on <paramref name="port"/>, durability settings off: the tests kill orchestrators, never this server.</summary>
    private static CapturedProcess StartServer(string bin, string dir, int port)
    {
        var postgres = Path.Combine(bin, "postgres");
        var info = new ProcessStartInfo(AsPostgres(postgres));
        foreach (var argument in (string[])[.. AsPostgresArgs(postgres), "-D", Path.Combine(dir, "data"), "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300"])
            info.ArgumentList.Add(argument);
        return CapturedProcess.Start(info);
    }

    /// <summary>A fast shutdown (every session ended, as for a patch or a failover) and a start on the same port and data.</summary>
    public async Task RestartAsync()
    {
        await StopServerAsync();
        await StartAgainAsync();
    }

    /// <summary>A fast shutdown: the server is away until <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => StopServerAsync();

    /// <summary>Starts the stopped server again on the same port and data.</summary>
    public async Task StartAgainAsync()
    {
        _server = StartServer(_bin, Dir, Port);
        await Eventually.Until(ReadyAsync, ready => ready || _server.HasExited, TimeSpan.FromSeconds(60), "PostgreSQL to accept connections again");
        if (_server.HasExited) throw new InvalidOperationException("PostgreSQL exited at its restart:\n" + _server.Output);
    }

    private async Task StopServerAsync()
    {
        if (!_server.HasExited)
        {
            try
            {
                // A fast stop ends the backends too; the kill below is for a server that does not stop.
                await RunAsync(AsPostgres(Path.Combine(_bin, "pg_ctl")), [.. AsPostgresArgs(Path.Combine(_bin, "pg_ctl")), "-D", Path.Combine(Dir, "data"), "stop", "-m", "fast", "-w", "-t", "30"]);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // Killed below.
            }
        }
        await _server.DisposeAsync();
    }

    /// <summary>The connection string of a database on this server (as Npgsql takes it).</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database={database}";

    /// <summary>Creates an empty database and gives its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await PsqlAsync("postgres", $"CREATE DATABASE \"{name}\"");
        return ConnectionString(name);
    }

    /// <summary>Runs SQL with psql over TCP and gives what it printed (unaligned, tuples only: one row per line, columns split by '|').</summary>
    public async Task<string> PsqlAsync(string database, string sql)
    {
        var result = await ProgramRun.RunAsync(Path.Combine(_bin, "psql"),
            ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", User, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            timeout: TimeSpan.FromSeconds(60), environment: new Dictionary<string, string> { ["PGPASSWORD"] = Password, ["PGCONNECT_TIMEOUT"] = "10" });
        if (result.ExitCode != 0) throw new InvalidOperationException($"psql -c \"{sql}\" exited {result.ExitCode}: {result.Output}");
        return result.Output.Trim();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await StopServerAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder.
        }
    }

    private async Task<bool> ReadyAsync()
    {
        var result = await ProgramRun.RunAsync(Path.Combine(_bin, "pg_isready"), ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "5"], timeout: TimeSpan.FromSeconds(30));
        return result.ExitCode == 0;
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string AsPostgres(string program) => IsRoot ? "runuser" : program;

    private static string[] AsPostgresArgs(string program) => IsRoot ? ["-u", "postgres", "--", program] : [];

    private static async Task RunAsync(string program, string[] arguments)
    {
        await ProgramRun.RunCheckedAsync(program, arguments, timeout: TimeSpan.FromSeconds(120));
    }
}
