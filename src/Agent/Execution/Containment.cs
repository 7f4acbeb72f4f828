using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;

namespace P4Flow.Agent.Execution;

/// <summary>
/// What holds each command beyond the sandbox's checks: rlimits set in the child by its launcher, its own session (one
/// process group), the unprivileged execution.run_as user when the agent is root, and a cgroup v2 where the machine
/// has one. Decided once, logged once.
/// </summary>
internal sealed class Containment
{
    private readonly ExecutionOptions _execution;
    private readonly ILogger<Containment> _logger;
    private readonly Lazy<(RunAsUser? User, string? Problem)> _runAs;
    private readonly Lazy<CgroupV2?> _cgroups;
    private readonly Lazy<string?> _launcher;

    public Containment(IOptions<ExecutionOptions> execution, ILogger<Containment> logger)
    {
        _execution = execution.Value;
        _logger = logger;
        _runAs = new(ResolveRunAs);
        _cgroups = new(DetectCgroups);
        _launcher = new(() =>
        {
            var launcher = LaunchPlan.LauncherFor(_execution.Launcher, out var notNative);
            AgentLog.Launcher(_logger, launcher is null
                ? $"util-linux ({LaunchPlan.Setsid}, {LaunchPlan.Prlimit}, {LaunchPlan.Setpriv}); not {LaunchPlan.NativeLauncherName}: {notNative}"
                : $"{LaunchPlan.NativeLauncherName} ({launcher})");
            return launcher;
        });
    }

    /// <summary>
    /// Gives a file the commands need to write (p4's tickets and trust files) to the run_as user, when commands run as
    /// one. That user must be able to reach it: the agent's state folder needs search permission for it.
    /// </summary>
    public void GiveToCommandUser(string path)
    {
        if (_runAs.Value.User is { } user) LibC.Chown(path, user.Uid, user.Gid);
    }

    /// <summary>The launch of one command, its job folder given to the run_as user; refused when that user does not exist.</summary>
    public (LaunchPlan Plan, string? Cgroup) Prepare(long cmdId, string program, IEnumerable<string> args, string workDir)
    {
        var (user, problem) = _runAs.Value;
        if (problem is not null) throw new CommandRefusedException(problem);
        if (user is not null)
        {
            // The job's folder (and its TMPDIR) belong to the user, so p4 and git can write there; nothing else does.
            LibC.Chown(workDir, user.Uid, user.Gid);
            if (Directory.Exists(Path.Combine(workDir, ".tmp"))) LibC.Chown(Path.Combine(workDir, ".tmp"), user.Uid, user.Gid);
        }
        var cgroup = _cgroups.Value?.Create(cmdId);
        return (LaunchPlan.Build(_execution.Limits, user, cgroup, program, args, _launcher.Value), cgroup);
    }

    private (RunAsUser?, string?) ResolveRunAs()
    {
        if (!ExecutionOptionsValidation.RunningAsRoot || string.IsNullOrEmpty(_execution.RunAs))
        {
            if (ExecutionOptionsValidation.RunningAsRoot) AgentLog.RunningAsRootUser(_logger);
            return (null, null);
        }
        var uid = Id("-u", _execution.RunAs);
        var gid = Id("-g", _execution.RunAs);
        if (uid is null || gid is null) return (null, $"execution.run_as names '{_execution.RunAs}', which is not a user of this machine; nothing runs as root");
        if (uid == 0) return (null, $"execution.run_as names '{_execution.RunAs}', which is root; commands must run as an unprivileged user");
        var user = new RunAsUser(_execution.RunAs, uid.Value, gid.Value);
        AgentLog.RunningAs(_logger, user.Name, user.Uid, user.Gid);
        return (user, null);
    }

    private CgroupV2? DetectCgroups()
    {
        const string mount = "/sys/fs/cgroup";
        var own = File.Exists("/proc/self/cgroup") ? File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal)) : null;
        var cgroups = CgroupV2.Detect(_execution.Limits, mount, own, out var reason);
        AgentLog.Cgroups(_logger, cgroups is not null, reason);
        return cgroups;
    }

    /// <summary>The user's or its group's id by `id` (which asks NSS, as login would); null when it has none.</summary>
    private static int? Id(string which, string user)
    {
        var info = new ProcessStartInfo("id") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(which);
        info.ArgumentList.Add("--");
        info.ArgumentList.Add(user);
        using var process = Process.Start(info);
        if (process is null) return null;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}
