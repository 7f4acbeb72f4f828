using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Protocol;

namespace P4Flow.Activities.Tests.Commands;

/// <summary>The local runner carries out the agent's built-in p4flow-write-file with the same code and the same answers.</summary>
public sealed class LocalCommandRunnerWriteFileTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "p4flow-local-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly LocalCommandRunner _runner;

    public LocalCommandRunnerWriteFileTests()
    {
        _runner = new LocalCommandRunner(Options.Create(new LocalRunnerOptions { WorkspaceRoot = Path.Combine(_root, "jobs") }));
        Directory.CreateDirectory(Path.Combine(JobFolder, "src"));
        File.WriteAllText(Target, "<<<<<<< conflict\n");
    }

    private string JobFolder => Path.Combine(_root, "jobs", "job-1");

    private string Target => Path.Combine(JobFolder, "src", "a.txt");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task RunAsync_WriteFileWithAbsoluteClientPath_WritesTheContent()
    {
        var request = new CommandRequest("job-1", "RESOLVE", BuiltInCommands.WriteFileArgs(Target), new Dictionary<string, string>(), TimeSpan.FromSeconds(30), Stdin: "merged\n");

        var run = await _runner.RunAsync(request, CancellationToken.None);

        Assert.Equal(0, run.ExitCode);
        Assert.False(run.Refused);
        Assert.Equal($"wrote 7 bytes to {Target}\n", run.Stdout);
        Assert.Equal("merged\n", File.ReadAllText(Target));
    }

    [Fact]
    public async Task RunAsync_WriteFileThroughASymlink_RefusedAndTheTargetUnchanged()
    {
        var outside = Path.Combine(_root, "outside.txt");
        File.WriteAllText(outside, "keep\n");
        File.CreateSymbolicLink(Path.Combine(JobFolder, "src", "link.txt"), outside);
        var request = new CommandRequest("job-1", "RESOLVE", BuiltInCommands.WriteFileArgs("src/link.txt"), new Dictionary<string, string>(), TimeSpan.FromSeconds(30), Stdin: "x");

        var run = await _runner.RunAsync(request, CancellationToken.None);

        Assert.True(run.Refused);
        Assert.Equal(-1, run.ExitCode);
        Assert.Contains("symbolic link", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("keep\n", File.ReadAllText(outside));
    }

    [Fact]
    public async Task RunAsync_WriteFileMissing_ExitCode1AndNothingCreated()
    {
        var request = new CommandRequest("job-1", "RESOLVE", BuiltInCommands.WriteFileArgs("src/new.txt"), new Dictionary<string, string>(), TimeSpan.FromSeconds(30), Stdin: "x");

        var run = await _runner.RunAsync(request, CancellationToken.None);

        Assert.Equal(1, run.ExitCode);
        Assert.False(run.Refused);
        Assert.Contains("does not exist", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(JobFolder, "src", "new.txt")));
    }
}
