using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P4Flow.Orchestrator.Observability;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>The command log and the rolling of log files, in an orchestrator hosted in process.</summary>
public sealed partial class LogFilesTests
{
    [Fact]
    public async Task CommandLog_Write_WritesTheSeedsFieldsToCommandsJsonl()
    {
        var factory = new ObservabilityFactory();
        await using (factory)
        {
            _ = factory.Server;
            var log = factory.Services.GetRequiredService<CommandLog>();
            log.Write(new CommandLogEntry(CommandEvents.Completed, "job-1", "17")
            {
                AgentId = "agent-a",
                Stage = "SYNC",
                DurationMs = 1234.5,
                Metadata = new Dictionary<string, object?> { ["exit_code"] = 0, ["args"] = new[] { "p4", "sync" } },
            });
            log.Write(new CommandLogEntry(CommandEvents.Failed, "job-1", "18") { Stage = "INTEGRATE", Error = "P4_LOCKED: file locked" });
            LogOrdinary(factory.Services.GetRequiredService<ILogger<LogFilesTests>>());
        }

        var lines = ObservabilityFactory.ReadLines(factory.CommandsLog);
        Assert.Equal(2, lines.Count);
        var completed = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal(["timestamp", "level", "event", "job_id", "cmd_id", "agent_id", "stage", "duration_ms", "error", "metadata"], completed.Select(p => p.Key));
        Assert.Equal("INFO", completed["level"]!.GetValue<string>());
        Assert.Equal("command_completed", completed["event"]!.GetValue<string>());
        Assert.Equal("job-1", completed["job_id"]!.GetValue<string>());
        Assert.Equal("17", completed["cmd_id"]!.GetValue<string>());
        Assert.Equal("agent-a", completed["agent_id"]!.GetValue<string>());
        Assert.Equal("SYNC", completed["stage"]!.GetValue<string>());
        Assert.Equal(1234.5, completed["duration_ms"]!.GetValue<double>());
        Assert.Null(completed["error"]);
        Assert.Equal(0, completed["metadata"]!["exit_code"]!.GetValue<int>());
        Assert.Equal(["p4", "sync"], completed["metadata"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.EndsWith("Z", completed["timestamp"]!.GetValue<string>(), StringComparison.Ordinal);

        var failed = JsonNode.Parse(lines[1])!.AsObject();
        Assert.Equal("WARNING", failed["level"]!.GetValue<string>());
        Assert.Equal("P4_LOCKED: file locked", failed["error"]!.GetValue<string>());
        Assert.Null(failed["agent_id"]);
        Assert.Empty(failed["metadata"]!.AsObject());

        // The main log has them too, beside everything else.
        var main = ObservabilityFactory.ReadLines(factory.LogFile);
        Assert.Contains(main, l => l.Contains("command_completed", StringComparison.Ordinal));
        Assert.Contains(main, l => l.Contains("Not a command", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotation_TinySizeLimit_RollsFilesAndKeepsTheConfiguredCount()
    {
        var factory = new ObservabilityFactory(new Dictionary<string, string>
        {
            ["monitoring:log_max_size"] = "2K",
            ["monitoring:log_max_files"] = "3",
        });
        await using (factory)
        {
            _ = factory.Server;
            var logger = factory.Services.GetRequiredService<ILogger<LogFilesTests>>();
            var commands = factory.Services.GetRequiredService<CommandLog>();
            for (var i = 0; i < 200; i++)
            {
                LogFiller(logger, i);
                commands.Write(new CommandLogEntry(CommandEvents.Completed, "job-rotation", i.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Stage = "SYNC", DurationMs = i });
            }
        }

        foreach (var log in new[] { factory.LogFile, factory.CommandsLog })
        {
            var files = ObservabilityFactory.LogFiles(log);
            // 200 events of over 100 bytes make well over 3 files of 2 KB: the oldest were deleted.
            Assert.Equal(3, files.Count);
            Assert.Contains(files, f => Path.GetFileName(f).Contains("_0", StringComparison.Ordinal));
            // A file rolls once it reaches the limit: it holds at most the limit plus the one event that crossed it.
            Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 2048 + 1024));
            Assert.All(ObservabilityFactory.ReadLines(log), l => JsonNode.Parse(l));
        }
        // The newest events are in the live files, the oldest went to the archive, compressed.
        var kept = ObservabilityFactory.ReadLines(factory.CommandsLog).Select(l => JsonNode.Parse(l)!["cmd_id"]!.GetValue<string>()).ToList();
        Assert.Contains("199", kept);
        Assert.DoesNotContain("0", kept);
        Assert.Contains(ArchivedLines(factory.ArchiveDir, "commands"), l => JsonNode.Parse(l)!["cmd_id"]!.GetValue<string>() == "0");
    }

    [Fact]
    public async Task Archive_WritersOnFourThreadsWhileFilesRoll_EveryLineKeptExactlyOnce()
    {
        const int Threads = 4, PerThread = 1000;
        var factory = new ObservabilityFactory(new Dictionary<string, string>
        {
            ["monitoring:log_max_size"] = "4K",
            ["monitoring:log_max_files"] = "2",
            ["monitoring:log_archive_max_files"] = "100000",
        });
        await using (factory)
        {
            _ = factory.Server;
            var commands = factory.Services.GetRequiredService<CommandLog>();
            await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
            {
                for (var i = 0; i < PerThread; i++)
                    commands.Write(new CommandLogEntry(CommandEvents.Completed, $"job-{t}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Stage = "SYNC" });
            })));
        }

        // The host is gone: what the last rolls moved there gets compressed too.
        await Eventually.Until(() => Task.FromResult(Directory.GetFiles(factory.ArchiveDir, "*.jsonl")), raw => raw.Length == 0, TimeSpan.FromSeconds(60), "every moved file to be compressed");
        var archives = Directory.GetFiles(factory.ArchiveDir, "commands.*.jsonl.gz");
        Assert.True(archives.Length > 20, $"{archives.Length} archives");
        var lines = ObservabilityFactory.ReadLines(factory.CommandsLog).Concat(ArchivedLines(factory.ArchiveDir, "commands"))
            .Select(l => JsonNode.Parse(l)!).Select(n => $"{n["job_id"]}/{n["cmd_id"]}").ToList();
        Assert.Equal(Threads * PerThread, lines.Count);
        Assert.Equal(Threads * PerThread, lines.Distinct(StringComparer.Ordinal).Count());
        // Only two live files of each log: everything else is compressed.
        Assert.Equal(2, ObservabilityFactory.LogFiles(factory.CommandsLog).Count);
    }

    [Fact]
    public async Task Archive_PastCountOrAge_OldestRemovedAndALeftoverCompressedAtStart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "p4flow-archive-" + Guid.NewGuid().ToString("N")[..8]);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        try
        {
            // Moved by an earlier process that stopped before compressing it.
            await File.WriteAllTextAsync(Path.Combine(folder, "p4flow.20261201T000000000-aaaaaa.jsonl"), "{\"n\":0}\n");
            using (var archive = new LogArchive("logs/p4flow.jsonl", folder, maxFiles: 3, maxAge: TimeSpan.FromDays(2), clock))
            {
                await Eventually.Until(() => Task.FromResult(archive.Archived), n => n == 1, TimeSpan.FromSeconds(30), "the leftover to be compressed");
                for (var i = 1; i <= 4; i++)
                {
                    clock.Advance(TimeSpan.FromMinutes(1));
                    var rolled = Path.Combine(folder, $"p4flow_{i:000}.jsonl");
                    await File.WriteAllTextAsync(rolled, $"{{\"n\":{i}}}\n");
                    archive.OnFileDeleting(rolled);
                    Assert.False(File.Exists(rolled), "moved out of the sink's way at once");
                }
                await Eventually.Until(() => Task.FromResult(archive.Archived), n => n == 5, TimeSpan.FromSeconds(30), "every rolled file to be compressed");
            }
            // Three kept, newest first: 2, 3 and 4; the leftover and 1 went past the count.
            Assert.Equal(["{\"n\":2}", "{\"n\":3}", "{\"n\":4}"], ArchivedLines(folder, "p4flow"));

            // Two days on, the next roll also removes what is older than log_archive_max_days.
            foreach (var old in Directory.GetFiles(folder, "*.gz")) File.SetLastWriteTimeUtc(old, clock.GetUtcNow().UtcDateTime.AddDays(-3));
            using (var archive = new LogArchive("logs/p4flow.jsonl", folder, maxFiles: 3, maxAge: TimeSpan.FromDays(2), clock))
            {
                var rolled = Path.Combine(folder, "p4flow_005.jsonl");
                await File.WriteAllTextAsync(rolled, "{\"n\":5}\n");
                archive.OnFileDeleting(rolled);
            }
            Assert.Equal(["{\"n\":5}"], ArchivedLines(folder, "p4flow"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The lines of one log's compressed archives, oldest archive first.</summary>
    private static List<string> ArchivedLines(string folder, string log) =>
        Directory.GetFiles(folder, log + ".*.gz").Order(StringComparer.Ordinal).SelectMany(file =>
        {
            using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(file), System.IO.Compression.CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }).ToList();

    [LoggerMessage(1, LogLevel.Information, "Not a command")]
    private static partial void LogOrdinary(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Filler event {Number} to fill the log files quickly")]
    private static partial void LogFiller(ILogger logger, int number);
}
