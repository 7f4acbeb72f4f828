using P4Flow.Agent.Configuration;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Tests.Execution;

public sealed class CommandRunnerTests
{
    [Fact]
    public async Task RunAsync_ArgumentArray_RunsWithoutShellInJobFolderAndStreamsOutput()
    {
        using var agent = new TestAgent();
        var chunks = new List<string>();
        var command = TestAgent.Command(1, "job-1", "/bin/echo", "a;b", "$HOME");

        var result = await agent.Runner.RunAsync(command, (_, data) => { lock (chunks) chunks.Add(data); }, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("a;b $HOME\n", result.Stdout);
        Assert.Equal("a;b $HOME\n", string.Concat(chunks));
        Assert.True(Directory.Exists(Path.Combine(agent.Options.Workspace, "job-1")));
    }

    [Fact]
    public async Task RunAsync_StdinWithWorkDirPlaceholder_GetsTheAbsoluteJobFolder()
    {
        using var agent = new TestAgent();
        var command = TestAgent.Command(1, "job-2", "/bin/cat");
        command.Stdin = "Root:\t$WORKDIR\n";

        var result = await agent.Runner.RunAsync(command, (_, _) => { }, CancellationToken.None);

        Assert.Equal($"Root:\t{Path.Combine(Path.GetFullPath(agent.Options.Workspace), "job-2")}\n", result.Stdout);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    public async Task RunAsync_WorkspaceOutsideRoot_IsRefusedUnrun(string workspace)
    {
        using var agent = new TestAgent();
        var command = TestAgent.Command(1, "job", "/bin/true");
        command.Workspace = workspace;

        var result = await agent.Runner.RunAsync(command, (_, _) => { }, CancellationToken.None);

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("not a plain folder name", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ListedProgramMissing_Exit127WithReason()
    {
        using var agent = new TestAgent();
        var runner = agent.RunnerWith(new ExecutionOptions { AllowedExecutables = ["/no/such/program"], KillGrace = 1 });

        var result = await runner.RunAsync(TestAgent.Command(1, "job", "/no/such/program"), (_, _) => { }, CancellationToken.None);

        Assert.Equal(127, result.ExitCode);
        Assert.Contains("could not start", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnlistedPathThatDoesNotExistYet_Refused()
    {
        // A path a job could create between the check and the start (in its own folder) is refused, not left to chance.
        using var agent = new TestAgent();
        var later = Path.Combine(agent.Options.Workspace, "job", "x");

        var result = await agent.Runner.RunAsync(TestAgent.Command(1, "job", later), (_, _) => { }, CancellationToken.None);

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("not an allowed executable", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsTheProcessTree()
    {
        using var agent = new TestAgent();
        var pidFile = Path.Combine(agent.Root, "child.pid");
        var command = TestAgent.Command(1, "job", "/bin/sh", "-c", $"sleep 300 & echo $! > {pidFile}; wait");
        // Time for the shell to start its child and note it even on a busy machine, before the timeout stops it.
        command.Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(5));

        var result = await agent.Runner.RunAsync(command, (_, _) => { }, CancellationToken.None);

        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await TestAgent.WaitGoneAsync(child, $"grandchild {child} survived the timeout");
    }

    [Fact]
    public async Task RunAsync_TimeoutWhileIgnoringSigterm_TermFirstThenKilledAfterTheGraceWithItsChildren()
    {
        using var agent = new TestAgent();
        var termed = Path.Combine(agent.Root, "termed");
        var pidFile = Path.Combine(agent.Root, "stubborn.pid");
        // The shell notes SIGTERM and goes on; its child ignores SIGTERM altogether.
        var command = TestAgent.Command(1, "job", "/bin/sh", "-c", $"trap 'echo term >> {termed}' TERM; (trap '' TERM; exec sleep 1000) & echo $! > {pidFile}; while :; do sleep 1; done");
        // Time for the shell to set its trap and start its child even on a busy machine, before the timeout's SIGTERM.
        var timeout = TimeSpan.FromSeconds(5);
        command.Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(timeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await agent.Runner.RunAsync(command, (_, _) => { }, CancellationToken.None);

        Assert.True(result.TimedOut);
        Assert.Contains("term", File.ReadAllText(termed), StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= timeout + TimeSpan.FromSeconds(1), $"killed after {clock.Elapsed}, before the 1 s grace ended");
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await TestAgent.WaitGoneAsync(child, $"the child {child} that ignored SIGTERM survived");
        Assert.Contains("process-group", result.Containment);
        Assert.Contains("rlimits", result.Containment);
    }

    [Fact]
    public async Task RunAsync_LeavesAChildRunning_ChildKilledWhenTheCommandEnds()
    {
        using var agent = new TestAgent();
        var pidFile = Path.Combine(agent.Root, "left.pid");
        var command = TestAgent.Command(1, "job", "/bin/sh", "-c", $"sleep 1000 > /dev/null 2>&1 & echo $! > {pidFile}");

        var result = await agent.Runner.RunAsync(command, (_, _) => { }, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.TimedOut);
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await TestAgent.WaitGoneAsync(child, $"the child {child} outlived its command");
    }
}
