using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Agent.Execution;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Tests.Execution;

/// <summary>The agent's sandbox: each refused command would have left a side-effect file, which must not exist.</summary>
public sealed class SandboxTests
{
    [Fact]
    public async Task Run_UnlistedExecutable_RefusedNothingRuns()
    {
        using var agent = new TestAgent();
        var marker = Path.Combine(agent.Root, "made");
        Directory.CreateDirectory(agent.Root);

        var result = await RunAsync(agent, TestAgent.Command(1, "job", "/bin/mkdir", marker));

        AssertRefused(result, "not an allowed executable");
        Assert.False(Directory.Exists(marker));
    }

    [Fact]
    public async Task Run_BareNameOnTheList_RunsTheResolvedPath()
    {
        using var agent = new TestAgent();

        var result = await RunAsync(agent, TestAgent.Command(1, "job", "echo", "hi"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hi\n", result.Stdout);
    }

    [Fact]
    public async Task Run_WorkspaceWithDotDot_RefusedNothingRuns()
    {
        using var agent = new TestAgent();
        var command = TestAgent.Command(1, "job", "/usr/bin/touch", "made");
        command.Workspace = "../escaped";

        var result = await RunAsync(agent, command);

        AssertRefused(result, "not a plain folder name");
        Assert.False(File.Exists(Path.Combine(agent.Root, "escaped", "made")));
    }

    [Fact]
    public async Task Run_AbsoluteWorkspace_RefusedNothingRuns()
    {
        using var agent = new TestAgent();
        var outside = Path.Combine(agent.Root, "outside");
        var command = TestAgent.Command(1, "job", "/usr/bin/touch", "made");
        command.Workspace = outside;

        var result = await RunAsync(agent, command);

        AssertRefused(result, "not a plain folder name");
        Assert.False(File.Exists(Path.Combine(outside, "made")));
    }

    [Fact]
    public async Task Run_JobFolderIsSymlinkOutsideTheRoot_RefusedNothingRuns()
    {
        using var agent = new TestAgent();
        var outside = Path.Combine(agent.Root, "outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(agent.Options.Workspace);
        Directory.CreateSymbolicLink(Path.Combine(agent.Options.Workspace, "job"), outside);

        var result = await RunAsync(agent, TestAgent.Command(1, "job", "/usr/bin/touch", "made"));

        AssertRefused(result, "is a link");
        Assert.False(File.Exists(Path.Combine(outside, "made")));
    }

    [Theory]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    [InlineData("BASH_ENV")]
    [InlineData("HOME")]
    [InlineData("GLIBC_TUNABLES")]
    [InlineData("MALLOC_CHECK_")]
    public async Task Run_ForbiddenEnvironmentVariable_RefusedNothingRuns(string name)
    {
        using var agent = new TestAgent();
        var marker = Path.Combine(agent.Root, "made");
        Directory.CreateDirectory(agent.Root);
        var command = TestAgent.Command(1, "job", "/usr/bin/touch", marker);
        command.Env[name] = "/tmp/evil.so";

        var result = await RunAsync(agent, command);

        AssertRefused(result, name);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Run_Environment_ScrubbedWithHomeAndTmpInJobFolder()
    {
        const string Leak = "P4FLOW_SANDBOX_TEST_LEAK";
        Environment.SetEnvironmentVariable(Leak, "agent-secret");
        try
        {
            using var agent = new TestAgent();
            var command = TestAgent.Command(1, "job", "/usr/bin/env");
            command.Env["P4PORT"] = "ssl:p4:1666";

            var result = await RunAsync(agent, command);

            var workDir = Path.Combine(agent.Options.Workspace, "job");
            Assert.Equal(0, result.ExitCode);
            Assert.DoesNotContain(Leak, result.Stdout, StringComparison.Ordinal);
            Assert.Contains("P4PORT=ssl:p4:1666\n", result.Stdout, StringComparison.Ordinal);
            Assert.Contains($"HOME={workDir}\n", result.Stdout, StringComparison.Ordinal);
            Assert.Contains($"TMPDIR={Path.Combine(workDir, ".tmp")}\n", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("PATH=", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Leak, null);
        }
    }

    [Fact]
    public async Task Run_OutputOverTheCap_TruncatedAndMarked()
    {
        using var agent = new TestAgent();
        var runner = agent.RunnerWith(new ExecutionOptions { MaxOutputChars = 1024, AllowedExecutables = [.. TestAgent.AllowedPrograms] });
        var command = TestAgent.Command(1, "job", "/bin/sh", "-c", "i=0; while [ $i -lt 300 ]; do echo 0123456789; i=$((i+1)); done");

        var result = await runner.RunAsync(command, (_, _) => { }, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.OutputTruncated);
        Assert.Contains("more characters dropped", result.Stdout, StringComparison.Ordinal);
        Assert.False(result.Refused);
    }

    private static async Task<CommandResult> RunAsync(TestAgent agent, Command command)
    {
        agent.Accept(command);
        return (await agent.NextAsync(AgentMessage.BodyOneofCase.Result)).Result;
    }

    [Theory]
    [InlineData("native", "not started: p4flow-launch: {0}: Permission denied")]
    [InlineData("util-linux", "not started: setpriv: failed to execute {0}: Permission denied")]
    public async Task Run_LauncherCannotStartTheProgram_RefusedWithItsReasonAndNoContainmentClaimed(string launcher, string error)
    {
        if (launcher == "util-linux" && !Environment.IsPrivilegedProcess) return; // setpriv is in the chain only for a root agent
        using var agent = new TestAgent();
        Directory.CreateDirectory(agent.Root);
        // Listed and present, but no one may execute it: the launcher's exec fails.
        var program = Path.Combine(agent.Root, "not-executable");
        await File.WriteAllTextAsync(program, "#!/bin/sh\ntouch made\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var runner = agent.RunnerWith(new ExecutionOptions { AllowedExecutables = [program], Launcher = launcher });

        var result = await runner.RunAsync(TestAgent.Command(1, "job", program), (_, _) => { }, CancellationToken.None);

        Assert.True(result.Refused, result.Error);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, error, program), result.Error);
        Assert.Empty(result.Containment);
        Assert.False(File.Exists(Path.Combine(agent.Root, "job", "made")));
    }

    private static void AssertRefused(CommandResult result, string why)
    {
        Assert.True(result.Refused, result.Error);
        Assert.Equal(-1, result.ExitCode);
        Assert.Contains(why, result.Error, StringComparison.Ordinal);
    }
}
