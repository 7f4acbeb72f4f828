using System.Collections.Concurrent;
using P4Flow.Activities.Commands;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>
/// One hub and one real agent process with small limits (32 processes, 256 MiB address space, 1 MiB files, 64 KiB
/// of output, 1 s between SIGTERM and SIGKILL) and the given execution.launcher; the tests run hostile commands on
/// it, one at a time.
/// </summary>
public abstract class SandboxedAgent(string launcher) : IAsyncLifetime
{
    public const string Name = "sandboxed";
    public HubHost Hub { get; private set; } = null!;
    public AgentProcess Agent { get; private set; } = null!;
    public ConcurrentDictionary<long, long> Streamed { get; } = new();

    /// <summary>
    /// The user the commands run as: one of their own, so the fork bomb's processes count against no other test's
    /// commands (they run as nobody) and theirs not against the bomb's limit.
    /// </summary>
    public const string RunAs = "p4flow-sandbox";

    public async Task InitializeAsync()
    {
        if (Environment.IsPrivilegedProcess)
            await ProgramRun.RunCheckedAsync("/bin/sh", ["-c", $"id -u {RunAs} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin --user-group {RunAs}"]);
        Hub = await HubHost.StartAsync(agents: [Name]);
        Hub.Registry.OutputReceived += (_, output) => Streamed.AddOrUpdate(output.CmdId, output.Data.Length, (_, n) => n + output.Data.Length);
        Agent = AgentProcess.Start(Hub.Dir, Hub.Port, Name, environment: new Dictionary<string, string>
        {
            ["P4FLOW_AGENT_execution__limits__processes"] = "32",
            ["P4FLOW_AGENT_execution__limits__address_space_mb"] = "256",
            ["P4FLOW_AGENT_execution__limits__file_size_mb"] = "1",
            ["P4FLOW_AGENT_execution__max_output_chars"] = "65536",
            ["P4FLOW_AGENT_execution__run_as"] = RunAs,
            ["P4FLOW_AGENT_execution__launcher"] = launcher,
            // Each test runs its own job and none ends it, so the agent takes more jobs at once than its cores' default.
            ["P4FLOW_AGENT_agent__max_jobs"] = "64",
        });
        await Hub.WaitForAgentAsync(Name, a => a.State == "HEALTHY", "the agent to connect");
    }

    public async Task DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Hub.DisposeAsync();
    }

    /// <summary>Runs the command in its own job on the agent; the agent's result as it sent it.</summary>
    public async Task<P4Flow.Protocol.V1.CommandResult> RunAsync(string job, TimeSpan timeout, params string[] args)
    {
        Assert.Equal(Name, Hub.Registry.TryAssign(job, AgentRequirements.None));
        var pending = Hub.Registry.Submit(Name, new CommandRequest(job, "TEST", args, new Dictionary<string, string>(), timeout));
        return await pending.Completion.Task.WaitAsync(TimeSpan.FromSeconds(120));
    }

    public string JobDir(string job) => Path.Combine(Agent.Workspace, job);
}

public sealed class NativeLaunchedAgent() : SandboxedAgent("native");

public sealed class UtilLinuxLaunchedAgent() : SandboxedAgent("util-linux");

/// <summary>The containment holds whichever launcher starts the commands (one collection: one fork bomb at a time).</summary>
[Collection(nameof(SandboxedAgent))]
public sealed class NativeLauncherSandboxTests(NativeLaunchedAgent sandbox) : AgentSandboxTests<NativeLaunchedAgent>(sandbox), IClassFixture<NativeLaunchedAgent>
{
    protected override string LauncherLogged => "p4flow-launch (/";
}

[Collection(nameof(SandboxedAgent))]
public sealed class UtilLinuxLauncherSandboxTests(UtilLinuxLaunchedAgent sandbox) : AgentSandboxTests<UtilLinuxLaunchedAgent>(sandbox), IClassFixture<UtilLinuxLaunchedAgent>
{
    protected override string LauncherLogged => "util-linux (/usr/bin/setsid, /usr/bin/prlimit, /usr/bin/setpriv)";
}

public abstract class AgentSandboxTests<TAgent>(TAgent sandbox) where TAgent : SandboxedAgent
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>What the agent says starts its commands.</summary>
    protected abstract string LauncherLogged { get; }

    [Fact]
    public async Task Run_AsRootAgent_RunsAsTheRunAsUserUnderRlimitsInItsOwnProcessGroup()
    {
        var result = await sandbox.RunAsync("who", Minute, "/usr/bin/id", "-un");

        Assert.Equal(0, result.ExitCode);
        if (Environment.IsPrivilegedProcess)
        {
            Assert.Equal(SandboxedAgent.RunAs + "\n", result.Stdout);
            Assert.Contains("run_as:" + SandboxedAgent.RunAs, result.Containment);
        }
        Assert.Contains("rlimits", result.Containment);
        Assert.Contains("process-group", result.Containment);
        // This machine has no cgroup v2 with cpu and memory delegated (v1 or hybrid): skipped, and said so once.
        if (!File.Exists("/sys/fs/cgroup/cgroup.controllers"))
        {
            Assert.DoesNotContain("cgroup-v2", result.Containment);
            await sandbox.Agent.WaitForOutputAsync("no cgroup v2 at /sys/fs/cgroup", "the agent to say why there are no cgroups");
        }
        await sandbox.Agent.WaitForOutputAsync($"Cmd {result.CmdId} contained by", "the agent to log the containment");
        await sandbox.Agent.WaitForOutputAsync("Commands start through " + LauncherLogged, "the agent to say which launcher starts commands");
    }

    [Fact]
    public async Task Run_ForkBomb_HeldAtTheProcessLimitAndNothingOfItRemains()
    {
        // Measured as the sandbox's own user, whose only processes are the bomb's; a non-root agent's own user has many more.
        if (!Environment.IsPrivilegedProcess) return;
        var marker = "bomb" + Guid.NewGuid().ToString("N")[..12];
        var counts = new ConcurrentBag<int>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                counts.Add(ProcessesWith(marker).Count);
                await Task.Delay(20, CancellationToken.None);
            }
        });

        // The classic bomb in the background; the command itself becomes a long sleep, stopped by its timeout (long
        // enough for the bomb to reach the limit on a busy machine).
        var result = await sandbox.RunAsync("bomb", TimeSpan.FromSeconds(10), "/bin/bash", "-c", $": {marker}; bomb() {{ bomb | bomb & }}; bomb; exec /bin/sleep 600");
        await sampling.CancelAsync();
        await sampler;

        Assert.True(result.TimedOut, result.Error);
        Assert.True(counts.Max() >= 2, "the bomb forked");
        Assert.True(counts.Max() <= 32, $"{counts.Max()} processes of the bomb at once, over the limit of 32");
        Assert.Contains("Resource temporarily unavailable", result.Stderr, StringComparison.Ordinal);
        await Eventually.Until(() => Task.FromResult(ProcessesWith(marker)), p => p.Count == 0, TimeSpan.FromSeconds(60), "no process of the bomb left");
        // The agent and the machine go on.
        var after = await sandbox.RunAsync("after-bomb", Minute, "/bin/echo", "fine");
        Assert.Equal("fine\n", after.Stdout);
    }

    [Fact]
    public async Task Run_PrintsWithoutEnd_CutAtTheCapAndStoppedByItsTimeout()
    {
        var result = await sandbox.RunAsync("yes", TimeSpan.FromSeconds(3), "/usr/bin/yes", "endless");

        Assert.True(result.TimedOut);
        Assert.True(result.OutputTruncated);
        Assert.StartsWith("endless\nendless\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("more characters dropped]", result.Stdout, StringComparison.Ordinal);
        Assert.InRange(result.Stdout.Length, 65536, 65536 + 200);
        // The hub was not flooded either: what streamed stopped at the cap.
        Assert.True(sandbox.Streamed.GetValueOrDefault(result.CmdId) <= 65536, $"{sandbox.Streamed.GetValueOrDefault(result.CmdId)} characters streamed");
    }

    [Fact]
    public async Task Run_WritesAFileWithoutEnd_StoppedAtTheFileSizeLimit()
    {
        var result = await sandbox.RunAsync("fill", Minute, "/usr/bin/dd", "if=/dev/zero", "of=big", "bs=64k");

        Assert.False(result.TimedOut);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(1024 * 1024, new FileInfo(Path.Combine(sandbox.JobDir("fill"), "big")).Length);
    }

    [Fact]
    public async Task Run_BigAllocation_FailsAtTheAddressSpaceLimit()
    {
        var big = await sandbox.RunAsync("alloc", Minute, "/usr/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=512M", "count=1");
        var small = await sandbox.RunAsync("alloc", Minute, "/usr/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=16M", "count=1");

        Assert.NotEqual(0, big.ExitCode);
        Assert.Contains("memory exhausted", big.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, small.ExitCode);
    }

    [Fact]
    public async Task Run_IgnoresSigterm_KilledAfterTheGraceWithItsChild()
    {
        // Time for bash to set its trap and start its child even on a busy machine, before the timeout's SIGTERM.
        var timeout = TimeSpan.FromSeconds(5);
        var result = await sandbox.RunAsync("stubborn", timeout, "/bin/bash", "-c", "trap '' TERM; sleep 1000 & echo $! > stubborn.pid; wait");

        Assert.True(result.TimedOut);
        Assert.True(result.Duration.ToTimeSpan() >= timeout + TimeSpan.FromSeconds(0.9), $"ended after {result.Duration.ToTimeSpan()}: before timeout + grace");
        Assert.Contains("SIGKILL after 1 s", result.Error, StringComparison.Ordinal);
        var child = int.Parse(File.ReadAllText(Path.Combine(sandbox.JobDir("stubborn"), "stubborn.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.Until(() => Task.FromResult(IsAlive(child)), alive => !alive, TimeSpan.FromSeconds(60), $"the sleep {child} that ignored SIGTERM to be gone");
    }

    [Fact]
    public async Task JobEnded_Succeeded_FolderRemoved_AndAJobIdLeavingTheRootRemovesNothing()
    {
        var done = await sandbox.RunAsync("ends", Minute, "/usr/bin/touch", "made-by-the-job");
        Assert.Equal(0, done.ExitCode);
        Assert.True(File.Exists(Path.Combine(sandbox.JobDir("ends"), "made-by-the-job")));
        sandbox.Hub.Registry.TryAssign("..", AgentRequirements.None);

        sandbox.Hub.Registry.ReleaseJob("ends", "job FINISHED", succeeded: true);
        sandbox.Hub.Registry.ReleaseJob("..", "job FINISHED", succeeded: true);

        await sandbox.Agent.WaitForOutputAsync("Job ends ended; its folder", "the folder of the job to go");
        Assert.False(Directory.Exists(sandbox.JobDir("ends")));
        await sandbox.Agent.WaitForOutputAsync("Job .. ended; its folder is not removed: workspace '..' is not a plain folder name", "the agent to refuse");
        Assert.True(Directory.Exists(sandbox.Agent.Workspace), "the workspace root is still there");
    }

    private static List<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal) && IsAlive(pid)) found.Add(pid);
            }
            catch (IOException)
            {
                // It ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    /// <summary>Running, not a zombie waiting to be reaped.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}

public sealed class AgentRootTests
{
    [Fact]
    public async Task Start_AsRootWithoutTheFlag_RefusesWithExitCode2AndNamesTheFlag()
    {
        if (!Environment.IsPrivilegedProcess) return; // only root is refused
        await using var hub = await HubHost.StartAsync(agents: ["root-agent"]);
        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "root-agent", allowRoot: false);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains("running as root", agent.Output, StringComparison.Ordinal);
        Assert.Contains("--allow-root", agent.Output, StringComparison.Ordinal);
        Assert.Contains("execution.allow_root", agent.Output, StringComparison.Ordinal);
        Assert.Null(hub.Agent("root-agent"));
    }
}
