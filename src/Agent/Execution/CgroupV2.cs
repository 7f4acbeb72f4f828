using System.Globalization;
using P4Flow.Agent.Configuration;

namespace P4Flow.Agent.Execution;

/// <summary>
/// A cgroup v2 per command (cpu.max, memory.max) under a folder delegated to the agent, where the machine has one:
/// cgroup v2 mounted, cpu and memory enabled for the folder's children, and the folder writable.
/// </summary>
internal sealed class CgroupV2
{
    private readonly string _parent;
    private readonly LimitsOptions _limits;

    private CgroupV2(string parent, LimitsOptions limits)
    {
        _parent = parent;
        _limits = limits;
    }

    /// <summary>The cgroups to use, or null with the reason there are none.</summary>
    /// <param name="mount">Where cgroup v2 is mounted (/sys/fs/cgroup).</param>
    /// <param name="ownCgroup">This process's line of /proc/self/cgroup ("0::/path"), for cgroup_parent "auto".</param>
    public static CgroupV2? Detect(LimitsOptions limits, string mount, string? ownCgroup, out string reason)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrEmpty(limits.CgroupParent)) return None("execution.limits.cgroup_parent is empty", out reason);
        if (!File.Exists(Path.Combine(mount, "cgroup.controllers"))) return None($"no cgroup v2 at {mount} (cgroup v1 or hybrid)", out reason);
        string parent;
        if (limits.CgroupParent == "auto")
        {
            if (ownCgroup is null || !ownCgroup.StartsWith("0::/", StringComparison.Ordinal)) return None("this process is in no cgroup v2", out reason);
            parent = Path.Combine(mount, ownCgroup[4..].Trim());
        }
        else parent = Path.GetFullPath(limits.CgroupParent);
        var control = Path.Combine(parent, "cgroup.subtree_control");
        try
        {
            var enabled = File.ReadAllText(control).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!enabled.Contains("cpu") || !enabled.Contains("memory"))
                return None($"cpu and memory are not both enabled in {control} (has: {string.Join(' ', enabled)})", out reason);
            var probe = Path.Combine(parent, "p4flow-probe-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return None($"{parent} cannot hold the commands' cgroups: {ex.Message}", out reason);
        }
        reason = $"each command gets a cgroup under {parent}";
        return new CgroupV2(parent, limits);
    }

    /// <summary>Makes the command's cgroup with its limits; the launcher moves the command into it.</summary>
    public string Create(long cmdId)
    {
        var dir = Path.Combine(_parent, "p4flow-cmd-" + cmdId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        if (_limits.CgroupCpus > 0)
            File.WriteAllText(Path.Combine(dir, "cpu.max"), string.Create(CultureInfo.InvariantCulture, $"{(long)(_limits.CgroupCpus * 100_000)} 100000"));
        if (_limits.CgroupMemoryMb > 0)
            File.WriteAllText(Path.Combine(dir, "memory.max"), (_limits.CgroupMemoryMb * 1024 * 1024).ToString(CultureInfo.InvariantCulture));
        return dir;
    }

    /// <summary>Kills whatever is left in the command's cgroup, then removes it.</summary>
    public static async Task RemoveAsync(string dir)
    {
        var kill = Path.Combine(dir, "cgroup.kill");
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                if (File.Exists(kill)) await File.WriteAllTextAsync(kill, "1").ConfigureAwait(false);
                Directory.Delete(dir);
                return;
            }
            catch (IOException)
            {
                // Busy until its last process is reaped.
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
    }

    private static CgroupV2? None(string why, out string reason)
    {
        reason = why;
        return null;
    }
}
