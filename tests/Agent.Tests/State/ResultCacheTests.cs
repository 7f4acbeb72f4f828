using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Agent.State;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Tests.State;

public sealed class ResultCacheTests
{
    private static ResultCache Open(string dir, int maxEntries = 10_000, double maxAgeHours = 168) =>
        new(Options.Create(new AgentOptions { StateDir = dir }), Options.Create(new CacheOptions { MaxEntries = maxEntries, MaxAgeHours = maxAgeHours }), TimeProvider.System);

    private static string NewDir() => Path.Combine(Path.GetTempPath(), "p4flow-cache-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Store_ThenReopen_ResultAndLastCmdIdSurvive()
    {
        var dir = NewDir();
        using (var cache = Open(dir))
        {
            cache.MarkStarted(7, "job-a");
            cache.Store(new CommandResult { CmdId = 7, ExitCode = 3, Stdout = "out", Stderr = "err" }, "job-a");
            cache.MarkStarted(8, "job-a");
        }

        using var reopened = Open(dir);

        Assert.True(reopened.TryGetResult(7, out var result));
        Assert.Equal((3, "out", "err"), (result.ExitCode, result.Stdout, result.Stderr));
        Assert.False(reopened.TryGetResult(8, out _));
        Assert.Equal(8, reopened.LastCmdId);
    }

    [Fact]
    public void Store_MoreThanMaxEntries_OldestDroppedButLastCmdIdKept()
    {
        var dir = NewDir();
        using (var cache = Open(dir, maxEntries: 10))
        {
            for (var id = 1; id <= 50; id++) cache.Store(new CommandResult { CmdId = id }, "job");
            Assert.Equal(10, cache.Count);
        }
        using var reopened = Open(dir, maxEntries: 10);

        Assert.False(reopened.TryGetResult(1, out _));
        Assert.True(reopened.TryGetResult(50, out _));
        Assert.Equal(50, reopened.LastCmdId);
        Assert.True(File.ReadAllLines(reopened.FilePath).Length <= 11);
    }

    [Fact]
    public void Open_TruncatedLastLine_KeepsEverythingBefore()
    {
        var dir = NewDir();
        using (var cache = Open(dir)) cache.Store(new CommandResult { CmdId = 1, Stdout = "kept" }, "job");
        File.AppendAllText(Path.Combine(dir, ResultCache.FileName), "{\"id\":2,\"job\":\"job\",\"at\":\"2026-");

        using var reopened = Open(dir);

        Assert.True(reopened.TryGetResult(1, out var kept));
        Assert.Equal("kept", kept.Stdout);
    }

    [Fact]
    public void Open_ResultLineWithTheResultAsJson_StillAnswersFromIt()
    {
        var dir = NewDir();
        Directory.CreateDirectory(dir);
        var json = Google.Protobuf.JsonFormatter.Default.Format(new CommandResult { CmdId = 4, ExitCode = 2, Stdout = "old" });
        File.WriteAllText(Path.Combine(dir, ResultCache.FileName), $"{{\"id\":4,\"job\":\"job\",\"at\":\"{DateTimeOffset.UtcNow:O}\",\"result\":{json}}}\n");

        using var cache = Open(dir);

        Assert.True(cache.TryGetResult(4, out var result));
        Assert.Equal((2, "old"), (result.ExitCode, result.Stdout));
        Assert.Equal(4, cache.LastCmdId);
    }
}
