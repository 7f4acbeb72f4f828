using System.Diagnostics;
using System.Globalization;
using P4Flow.TestSupport;

namespace P4Flow.FaultMatrix;

/// <summary>The agent's host misbehaving: its workspace disk full, its clock wrong.</summary>
internal static class HostRows
{
    private const string FakeTime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    /// <summary>The workspace root on a small tmpfs filled to the last byte; a job meets it, then the space comes back.</summary>
    public static async Task<RowResult> WorkspaceDiskFullAsync()
    {
        const string Fault = "the agent's workspace disk full";
        await using var rig = await Rig.CreateAsync(2);
        Directory.CreateDirectory(rig.WorkspaceRoot);
        var mount = await ProgramRun.RunAsync("mount", ["-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", rig.WorkspaceRoot]);
        if (mount.ExitCode != 0) return RowResult.Skip(Fault, $"cannot mount a tmpfs here (root with CAP_SYS_ADMIN needed): {mount.Output.Trim()}");
        try
        {
            await rig.StartOrchestratorAsync();
            rig.StartAgent();
            await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));
            var filler = Path.Combine(rig.WorkspaceRoot, "filler");
            await ProgramRun.RunAsync("dd", ["if=/dev/zero", $"of={filler}", "bs=64k"]);
            var first = await rig.StartJobsAsync(1);
            var failed = await rig.WaitForEndAsync(first, TimeSpan.FromMinutes(5));
            File.Delete(filler);
            var freed = Stopwatch.StartNew();
            var second = await rig.WaitForEndAsync([.. (await rig.StartJobsAsync(2)).Skip(1)], TimeSpan.FromMinutes(5));
            return RowResult.From(Fault, [.. failed, .. second], await rig.RunTwiceAsync(), freed.Elapsed,
                e => e == failed[0] ? e.ErrorClass == "DISK_FULL" : e.Submitted,
                $"the job that met the full disk: {failed[0].Outcome} ({failed[0].FaultMessage?.Replace(rig.WorkspaceRoot, "<workspaces>", StringComparison.Ordinal)}); the next one, once space was freed: {second[0].Outcome}");
        }
        finally
        {
            await ProgramRun.RunAsync("umount", ["-l", rig.WorkspaceRoot]);
        }
    }

    /// <summary>The agent's clock <paramref name="skew"/> off the hub's (libfaketime), from its start.</summary>
    public static async Task<RowResult> AgentClockSkewedAsync(TimeSpan skew)
    {
        var minutes = skew.TotalMinutes.ToString("+0;-0", CultureInfo.InvariantCulture);
        var fault = $"the agent's clock {Math.Abs(skew.TotalMinutes)} minutes {(skew > TimeSpan.Zero ? "ahead of" : "behind")} the hub's";
        if (!File.Exists(FakeTime)) return RowResult.Skip(fault, $"libfaketime is not installed ({FakeTime}; Debian: apt-get install faketime)");
        await using var rig = await Rig.CreateAsync(2);
        await rig.StartOrchestratorAsync();
        var agent = rig.StartAgent(environment: new Dictionary<string, string>
        {
            ["LD_PRELOAD"] = FakeTime,
            ["FAKETIME"] = minutes + "m",
            // Timers and timeouts run on the monotonic clock, which a wrong wall clock does not move.
            ["DONT_FAKE_MONOTONIC"] = "1",
        });
        var clock = Stopwatch.StartNew();
        try
        {
            await rig.WaitAgentHealthyAsync(TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            var said = agent.Output.Split('\n').FirstOrDefault(l => l.Contains("refused", StringComparison.OrdinalIgnoreCase)) ?? "no reason printed";
            return new RowResult(fault, 0, 0, 0, null, $"the agent never connected: {said.Trim()}", said != "no reason printed");
        }
        var jobs = await rig.StartJobsAsync(2);
        var ends = await rig.WaitForEndAsync(jobs, TimeSpan.FromMinutes(5));
        var refused = agent.Output.Split('\n').FirstOrDefault(l => l.Contains("refused, nothing run", StringComparison.Ordinal));
        // Ahead: within the tokens' lifetime, allowed. Behind by more than 30 s: refused, named, nothing run.
        return RowResult.From(fault, ends, await rig.RunTwiceAsync(), clock.Elapsed,
            e => skew > TimeSpan.Zero ? e.Submitted : e.ErrorClass == "AGENT_REFUSED",
            refused is null ? "command tokens allow it: they live security.token_expiry (3600 s), with 30 s of clock skew either side"
                : $"the agent refuses the commands: {refused.Trim()[(refused.IndexOf("refused, nothing run: ", StringComparison.Ordinal) + "refused, nothing run: ".Length)..]}");
    }
}
