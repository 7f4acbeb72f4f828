using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;

namespace P4Flow.Activities.Tests.Commands;

/// <summary>
/// A program that exits without reading its input (p4 that cannot reach its server exits before reading a spec) is a
/// failed command with its exit code and output, not an IOException that faults the job unclassified.
/// </summary>
public sealed class LocalCommandRunnerStdinTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "p4flow-local-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task RunAsync_ProgramExitsWithoutReadingStdin_ReturnsItsExitCodeAndOutput()
    {
        var runner = new LocalCommandRunner(Options.Create(new LocalRunnerOptions { WorkspaceRoot = _root }));
        // Far more than a pipe holds (64 KiB), so the write must meet the closed pipe, whatever the timing.
        var spec = new string('x', 4 * 1024 * 1024);
        var request = new CommandRequest("job-1", "SYNC", ["/bin/sh", "-c", "echo 'Connect to server failed; check $P4PORT.' >&2; exit 1"],
            new Dictionary<string, string>(), TimeSpan.FromSeconds(60), Stdin: spec);

        var run = await runner.RunAsync(request, CancellationToken.None);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Connect to server failed", run.Stderr, StringComparison.Ordinal);
    }
}
