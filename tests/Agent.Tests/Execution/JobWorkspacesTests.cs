using Microsoft.Extensions.Logging.Abstractions;
using P4Flow.Agent.Configuration;
using P4Flow.Agent.Execution;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Tests.Execution;

/// <summary>Job folders on disk as JobEnded and Hello see them.</summary>
public sealed class JobWorkspacesTests : IDisposable
{
    private readonly TestAgent _agent = new();

    [Fact]
    public async Task EndAsync_DeepFolder_ReturnsBeforeDeletingSoTheReceiveLoopGoesOn()
    {
        using var workspaces = Workspaces(keepFailed: false);
        var folder = JobFolder("deep");
        for (var d = 0; d < 40; d++)
        {
            var sub = Directory.CreateDirectory(Path.Combine(folder, $"d{d}")).FullName;
            for (var f = 0; f < 100; f++) File.WriteAllText(Path.Combine(sub, $"f{f}"), "x");
        }

        var ending = workspaces.EndAsync(TestAgent.Seal(new JobEnded { JobId = "deep", Succeeded = true }));

        Assert.True(Directory.Exists(folder), "the 4,000 files are deleted after EndAsync hands back to its caller");
        await ending.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task EndAsync_FailedJobKept_MarkedAndNoLongerNamedInHello()
    {
        using var workspaces = Workspaces(keepFailed: true);
        var kept = JobFolder("failed");
        JobFolder("running");

        await workspaces.EndAsync(TestAgent.Seal(new JobEnded { JobId = "failed", Succeeded = false })).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(File.Exists(Path.Combine(kept, JobWorkspaces.KeptMarker)));
        Assert.Equal(["running"], workspaces.Folders());
    }

    [Theory]
    [InlineData("unsigned")]
    [InlineData("for another agent")]
    [InlineData("altered")]
    public async Task EndAsync_NotSignedByTheHubForThisAgent_FolderStays(string how)
    {
        using var workspaces = Workspaces(keepFailed: false);
        var folder = JobFolder("victim");
        var ended = new JobEnded { JobId = "victim", Succeeded = true };
        if (how == "for another agent") TestAgent.Seal(ended, "another-agent");
        // A good signature, but over another job: moved onto this one.
        if (how == "altered") ended.Signature = TestAgent.Seal(new JobEnded { JobId = "other", Succeeded = true }).Signature;

        await workspaces.EndAsync(ended).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(Directory.Exists(folder), $"a JobEnded {how} removed the folder");
    }

    public void Dispose()
    {
        _agent.Dispose();
        Directory.Delete(_agent.Root, recursive: true);
    }

    private JobWorkspaces Workspaces(bool keepFailed) =>
        new(_agent.Runner, _agent.Executor, _agent.Guard, Microsoft.Extensions.Options.Options.Create(new ExecutionOptions { KeepFailedWorkspaces = keepFailed }), NullLogger<JobWorkspaces>.Instance);

    private string JobFolder(string jobId) => Directory.CreateDirectory(Path.Combine(_agent.Runner.WorkspaceRoot, jobId)).FullName;
}
