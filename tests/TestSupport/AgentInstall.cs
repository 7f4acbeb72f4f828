using System.Diagnostics;

namespace P4Flow.TestSupport;

/// <summary>The agent as a bootstrap installs it on a build host: its self-contained build, and what a failed test leaves.</summary>
public static class AgentInstall
{
    /// <summary>Test projects run side by side and each publishes the agent: one at a time, or they share obj/ mid-build.</summary>
    private static readonly string PublishLock = Path.Combine(Path.GetTempPath(), "p4flow-agent-publish.lock");

    /// <summary>Publishes src/Agent for linux-x64, self-contained, into <paramref name="output"/> (what bootstrap.agent_package takes).</summary>
    public static async Task PublishAsync(string output)
    {
        await using var held = await LockAsync(PublishLock, TimeSpan.FromMinutes(20));
        await ProgramRun.RunCheckedAsync("dotnet", ["publish", Path.Combine(OrchestratorBuild.RepositoryRoot, "src", "Agent", "Agent.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", output, "-v", "quiet", "-nologo",
            // No compiler server or idle MSBuild node left running after it: other builds on the machine may be using
            // them when the test host's watchdog ends what the host started.
            "-nodeReuse:false", "-p:UseSharedCompilation=false"], timeout: TimeSpan.FromMinutes(15));
    }

    /// <summary>Kills the agent started from <paramref name="agentBase"/> and deletes its files: a failed run must not leave its agent behind.</summary>
    public static Task RemoveLeftoversAsync(string agentBase) =>
        ProgramRun.ShellAsync($"[ -s {agentBase}/agent.pid ] && kill -KILL $(cat {agentBase}/agent.pid); rm -rf {agentBase}; true");

    private static async Task<FileStream> LockAsync(string path, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // On Unix FileShare.None takes an exclusive flock, which other processes see.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < limit)
            {
                await Task.Delay(500);
            }
        }
    }
}
