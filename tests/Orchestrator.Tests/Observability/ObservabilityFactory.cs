using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>The orchestrator in process, on the in-memory store, logging into a folder of its own, its metrics on a free port.</summary>
public sealed class ObservabilityFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public string LogsDir { get; } = Path.Combine(Path.GetTempPath(), "p4flow-logs-" + Guid.NewGuid().ToString("N")[..8]);
    public int MetricsPort { get; } = settings?.TryGetValue("monitoring:metrics_port", out var port) == true ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) : Loopback.FreePort();
    public string LogFile => Path.Combine(LogsDir, "p4flow.jsonl");
    public string CommandsLog => Path.Combine(LogsDir, "commands.jsonl");
    public string ArchiveDir => Path.Combine(LogsDir, "archive");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("state_management:type", "memory");
        builder.UseSetting("state_management:workflows_dir", OrchestratorProcess.WorkflowsDir);
        builder.UseSetting("commands:runner", "local");
        builder.UseSetting("monitoring:metrics_port", MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("monitoring:log_file", LogFile);
        builder.UseSetting("monitoring:commands_log", CommandsLog);
        builder.UseSetting("monitoring:log_archive_dir", ArchiveDir);
        TestCredentials.Use(builder, LogsDir);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        ApiKeys.SignIn(client, ApiKeys.Admin(LogsDir));
    }

    /// <summary>The JSON lines of every file of one log (the current one and those rolled over), oldest first.</summary>
    public static IReadOnlyList<string> ReadLines(string logFile) =>
        LogFiles(logFile).SelectMany(ReadShared).ToList();

    public static IReadOnlyList<string> LogFiles(string logFile) =>
        Directory.Exists(Path.GetDirectoryName(logFile))
            ? Directory.GetFiles(Path.GetDirectoryName(logFile)!, Path.GetFileNameWithoutExtension(logFile) + "*" + Path.GetExtension(logFile)).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Reads a file Serilog may still be writing.</summary>
    public static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
