using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Configuration;

/// <summary>Recognises a bad setting among start-up failures, so it is reported in one line that names the key.</summary>
internal static class StartupError
{
    public static bool IsConfiguration(Exception ex) => ex switch
    {
        OptionsValidationException => true,
        FileNotFoundException f => f.Message.Contains(ConfigurationExtensions.ConfigFileVariable, StringComparison.Ordinal),
        // The binder's message names the key: "Failed to convert configuration value 'x' at 'section:key' to type ...".
        InvalidOperationException i => i.Message.Contains("configuration value", StringComparison.OrdinalIgnoreCase),
        FormatException or YamlDotNet.Core.YamlException => true,
        AggregateException a => a.InnerExceptions.All(IsConfiguration),
        _ => false,
    };

    /// <summary>The exit code of an orchestrator whose data (database, hub journal, keys) cannot be written.</summary>
    public const int StorageExitCode = 3;

    /// <summary>
    /// The disk said no at start: a read-only file system, a full disk, a folder it may not write, a database another
    /// process holds, a PostgreSQL server that cannot be reached or refuses the credentials. Not a bug to print a stack trace for: the operator fixes the machine and starts again.
    /// </summary>
    public static Exception? Storage(Exception ex)
    {
        // PostgreSQL that cannot be reached is a socket error inside an NpgsqlException: the database, said as such.
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.NpgsqlException) return e;
        }
        // Kestrel's "Failed to bind to address" is an IOException too: a port, not the disk.
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException) return null;
        }
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is AggregateException { InnerExceptions: [var only] }) return Storage(only);
            if (e is UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException || (e is IOException && e is not FileNotFoundException)) return e;
        }
        return null;
    }

    public static string Describe(Exception ex) => ex switch
    {
        OptionsValidationException o => string.Join(" ", o.Failures),
        AggregateException a => string.Join(" ", a.InnerExceptions.Select(Describe)),
        _ => ex.Message,
    };
}
