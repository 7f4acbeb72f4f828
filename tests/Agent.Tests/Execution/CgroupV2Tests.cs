using P4Flow.Agent.Configuration;
using P4Flow.Agent.Execution;

namespace P4Flow.Agent.Tests.Execution;

/// <summary>Detection on a folder laid out as a cgroup v2 mount, and on this machine's real /sys/fs/cgroup.</summary>
public sealed class CgroupV2Tests : IDisposable
{
    private readonly string _mount = Path.Combine(Path.GetTempPath(), "p4flow-cgroup-" + Guid.NewGuid().ToString("N")[..8]);

    public CgroupV2Tests() => Directory.CreateDirectory(Path.Combine(_mount, "agent.slice"));

    public void Dispose() => Directory.Delete(_mount, recursive: true);

    [Fact]
    public void Detect_DelegatedParentWithCpuAndMemory_MakesEachCommandACgroupWithItsLimits()
    {
        File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), "cpuset cpu io memory pids\n");
        File.WriteAllText(Path.Combine(_mount, "agent.slice", "cgroup.subtree_control"), "cpu memory pids\n");
        var limits = new LimitsOptions { CgroupParent = "auto", CgroupCpus = 1.5, CgroupMemoryMb = 256 };

        var cgroups = CgroupV2.Detect(limits, _mount, "0::/agent.slice", out var reason);

        Assert.NotNull(cgroups);
        Assert.Contains("agent.slice", reason, StringComparison.Ordinal);
        var dir = cgroups.Create(42);
        Assert.Equal(Path.Combine(_mount, "agent.slice", "p4flow-cmd-42"), dir);
        Assert.Equal("150000 100000", File.ReadAllText(Path.Combine(dir, "cpu.max")));
        Assert.Equal("268435456", File.ReadAllText(Path.Combine(dir, "memory.max")));
    }

    [Fact]
    public void Detect_ControllersNotDelegated_NoneAndSaysWhy()
    {
        File.WriteAllText(Path.Combine(_mount, "cgroup.controllers"), "cpu memory\n");
        File.WriteAllText(Path.Combine(_mount, "agent.slice", "cgroup.subtree_control"), "pids\n");

        var cgroups = CgroupV2.Detect(new LimitsOptions(), _mount, "0::/agent.slice", out var reason);

        Assert.Null(cgroups);
        Assert.Contains("cpu and memory are not both enabled", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_NoCgroupV2Mount_NoneAndSaysWhy()
    {
        var cgroups = CgroupV2.Detect(new LimitsOptions(), _mount, null, out var reason);

        Assert.Null(cgroups);
        Assert.Contains("no cgroup v2", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_ParentEmpty_Off()
    {
        Assert.Null(CgroupV2.Detect(new LimitsOptions { CgroupParent = "" }, "/sys/fs/cgroup", null, out var reason));
        Assert.Contains("cgroup_parent is empty", reason, StringComparison.Ordinal);
    }
}
