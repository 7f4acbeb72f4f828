using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Tests.Execution;

public sealed class CommandExecutorTests
{
    [Fact]
    public async Task Accept_NewCommand_RunsAndSendsResultAfterCachingIt()
    {
        using var agent = new TestAgent();

        agent.Accept(TestAgent.Command(1, "job", "/bin/echo", "hi"));
        var sent = await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        Assert.Equal("hi\n", sent.Result.Stdout);
        Assert.True(agent.Cache.TryGetResult(1, out var cached));
        Assert.Equal("hi\n", cached.Stdout);
    }

    [Fact]
    public async Task Accept_CommandAlreadyRun_AnswersFromCacheWithoutRunningAgain()
    {
        using var agent = new TestAgent();
        var counter = Path.Combine(agent.Root, "runs");
        var command = TestAgent.Command(1, "job", "/bin/sh", "-c", $"echo run >> {counter}");
        agent.Accept(command);
        await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        agent.Accept(command);
        var answer = await agent.NextAsync(AgentMessage.BodyOneofCase.AlreadyDone);

        Assert.Equal(1, answer.AlreadyDone.CmdId);
        Assert.Single(File.ReadAllLines(counter));
    }

    [Fact]
    public async Task Accept_SameNumberForAnotherJob_RefusedWithoutItsResultAndNotRun()
    {
        // Two hubs (server.hubs) numbered a command 1 each, for different jobs: the second is neither run nor given the first's result.
        using var agent = new TestAgent();
        var counter = Path.Combine(agent.Root, "runs");
        agent.Accept(TestAgent.Command(1, "job-a", "/bin/sh", "-c", $"echo a >> {counter}"));
        await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        agent.Accept(TestAgent.Command(1, "job-b", "/bin/sh", "-c", $"echo b >> {counter}"));
        var answer = await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        Assert.True(answer.Result.Refused);
        Assert.Contains("cmd 1 was job job-a's command", answer.Result.Error, StringComparison.Ordinal);
        Assert.Equal(["a"], File.ReadAllLines(counter));
    }

    [Fact]
    public async Task Accept_AfterRestartWithResultCached_AnswersAlreadyDone()
    {
        var root = Path.Combine(Path.GetTempPath(), "p4flow-agent-" + Guid.NewGuid().ToString("N")[..8]);
        var counter = Path.Combine(root, "runs");
        var command = TestAgent.Command(5, "job", "/bin/sh", "-c", $"echo run >> {counter}");
        using (var before = new TestAgent(root: root))
        {
            before.Accept(command);
            await before.NextAsync(AgentMessage.BodyOneofCase.Result);
        }

        using var after = new TestAgent(root: root);
        after.Accept(command);
        var answer = await after.NextAsync(AgentMessage.BodyOneofCase.AlreadyDone);

        Assert.Equal(0, answer.AlreadyDone.CachedResult.ExitCode);
        Assert.Single(File.ReadAllLines(counter));
    }

    [Fact]
    public async Task Accept_StartedBeforeARestartWithoutResult_IsRefusedNotRunTwice()
    {
        var root = Path.Combine(Path.GetTempPath(), "p4flow-agent-" + Guid.NewGuid().ToString("N")[..8]);
        using (var before = new TestAgent(root: root)) before.Cache.MarkStarted(9, "job");

        using var after = new TestAgent(root: root);
        after.Accept(TestAgent.Command(9, "job", "/bin/true"));
        var answer = await after.NextAsync(AgentMessage.BodyOneofCase.Result);

        Assert.Equal(-1, answer.Result.ExitCode);
        Assert.Contains("not run twice", answer.Result.Error, StringComparison.Ordinal);
        Assert.True(answer.Result.ResultUnknown);
    }

    [Fact]
    public async Task Cancel_RunningCommand_KillsItsChildProcessTree()
    {
        using var agent = new TestAgent();
        var pidFile = Path.Combine(agent.Root, "child.pid");
        agent.Accept(TestAgent.Command(1, "job", "/bin/sh", "-c", $"sleep 300 & echo $! > {pidFile}.tmp; mv {pidFile}.tmp {pidFile}; wait"));
        await TestAgent.WaitUntilAsync(() => File.Exists(pidFile), "the command to start its child");
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(agent.Executor.Cancel(1, "test"));
        var result = await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        Assert.True(result.Result.Cancelled);
        await TestAgent.WaitGoneAsync(child, $"grandchild {child} survived the cancel");
    }

    [Fact]
    public async Task DrainAsync_RunningCommand_NewCommandsNotTakenRunningOneFinishes()
    {
        using var agent = new TestAgent();
        agent.Accept(TestAgent.Command(1, "job", "/bin/sh", "-c", "sleep 0.3; echo done"));

        var drain = agent.Executor.DrainAsync(TimeSpan.FromSeconds(60));
        agent.Accept(TestAgent.Command(2, "job", "/bin/echo", "late"));
        await drain;
        var result = await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        Assert.Equal((1L, "done\n"), (result.Result.CmdId, result.Result.Stdout));
        Assert.Equal(1, agent.Cache.LastCmdId);
    }
}
