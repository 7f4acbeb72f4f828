using System.Diagnostics;
using System.Globalization;

namespace P4Flow.Orchestrator.Tests.Hygiene;

/// <summary>
/// What a test host starts ends with it: a stand-in host (tests/TestHostStandIn) starts processes through TestSupport
/// the ways the suite's do (a child; a grandchild that drops its environment for a session of its own, as an agent's
/// commands do; a daemon that leaves the tree, as a bootstrapped agent does), then is killed or just ends.
/// </summary>
public sealed class TestProcessWatchdogTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("p4flow-watchdog-").FullName;

    private string PidFile => Path.Combine(_dir, "pids");

    /// <summary>Each records its pid (each sleep's by its shell, which then becomes it); "ready" once all four did.</summary>
    private string Command => $"""
        sh -c 'echo $$ >> {PidFile}; exec sleep 600' &
        env -i setsid sh -c 'echo $$ >> {PidFile}; exec sleep 600' &
        sh -c 'setsid sh -c "echo \$\$ >> {PidFile}; exec sleep 600" < /dev/null > /dev/null 2>&1 &'
        echo $$ >> {PidFile}
        while [ "$(wc -l < {PidFile})" -lt 4 ]; do sleep 0.05; done
        echo ready
        wait
        """;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task HostKilled_EverythingItStarted_IsKilled()
    {
        await using var host = StartStandIn("wait");
        await Eventually.Until(() => Task.FromResult(host.Output), o => o.Contains("started", StringComparison.Ordinal) || host.HasExited, TimeSpan.FromSeconds(90), "the stand-in host to start its processes");
        var pids = Pids();
        Assert.True(pids.Count == 4 && pids.All(IsRunning), $"pids {string.Join(' ', pids)}; the stand-in printed: {host.Output}");

        using (var kill = Process.Start("kill", ["-KILL", host.Pid.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();

        await Eventually.Until(() => Task.FromResult(Alive(pids)), alive => alive.Length == 0, Deadline, "the processes of the killed host to be killed");
    }

    [Fact]
    public async Task HostEndsLeavingProcesses_EverythingItStarted_IsKilled()
    {
        await using var host = StartStandIn("exit");

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(90)) == 0, host.Output);
        var pids = Pids();
        Assert.True(pids.Count == 4, $"pids {string.Join(' ', pids)}; the stand-in printed: {host.Output}");
        await Eventually.Until(() => Task.FromResult(Alive(pids)), alive => alive.Length == 0, Deadline, "the processes of the ended host to be killed");
    }

    [Fact]
    public async Task List_ProcessesCarryingTheRunMarker_NamedUntilTheyEnd()
    {
        var run = "list-" + Guid.NewGuid().ToString("N");
        var marker = $"{TestProcessWatchdog.RunVariable}={run}";
        await using var sleeper = CapturedProcess.Start(new ProcessStartInfo("sh", ["-c", "env -i setsid sleep 600 & exec sleep 600"]) { Environment = { [TestProcessWatchdog.RunVariable] = run } });

        var listed = await Eventually.Until(() => ListAsync(marker), l => l.Split('\n').Length == 2, Deadline, "the marked process and its child in a session of its own");
        Assert.StartsWith($"{sleeper.Pid} sleep 600\n", listed, StringComparison.Ordinal);
        await sleeper.KillAsync();
        await Eventually.Until(() => ListAsync(marker), l => l.Length == 0, Deadline, "nothing to be left");
    }

    private CapturedProcess StartStandIn(string mode)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "P4Flow.TestHostStandIn.dll"), mode, Command]);
        // What it leaves is left on purpose: not a leak of this run to report.
        info.Environment.Remove(TestProcessWatchdog.ReapedVariable);
        return CapturedProcess.Start(info);
    }

    private List<int> Pids() =>
        File.Exists(PidFile) ? [.. File.ReadAllLines(PidFile).Select(l => int.Parse(l, CultureInfo.InvariantCulture))] : [];

    private static async Task<string> ListAsync(string marker) =>
        (await ProgramRun.RunCheckedAsync("bash", [TestProcessWatchdog.Script, "list", marker])).Stdout.Trim();

    private static string Alive(List<int> pids) => string.Join(' ', pids.Where(IsRunning));

    /// <summary>Not gone, and not a zombie waiting to be reaped.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
