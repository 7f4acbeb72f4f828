using P4Flow.Agent.Configuration;
using P4Flow.Agent.Execution;

namespace P4Flow.Agent.Tests.Execution;

public sealed class LaunchPlanTests
{
    private static readonly LimitsOptions Limits = new() { CpuSeconds = 60, AddressSpaceMb = 512, FileSizeMb = 2, Processes = 32 };

    [Fact]
    public void Build_RootAgentWithRunAs_SetsidPrlimitSetprivThenTheProgram()
    {
        var plan = LaunchPlan.Build(Limits, new RunAsUser("nobody", 65534, 65534), cgroup: null, "/usr/bin/p4", ["-p", "--not-an-option-of-the-launchers", "sync"]);

        Assert.Equal("/usr/bin/setsid", plan.FileName);
        Assert.Equal(
            ["--wait", "/usr/bin/prlimit", "--cpu=60", "--as=536870912", "--fsize=2097152", "--nproc=32", "--",
             "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs", "--",
             "/usr/bin/p4", "-p", "--not-an-option-of-the-launchers", "sync"],
            plan.Arguments);
        Assert.Equal(["process-group", "rlimits", "run_as:nobody"], plan.Applied);
    }

    [Fact]
    public void Build_NoLimitsNoRunAs_OnlyItsOwnSession()
    {
        var plan = LaunchPlan.Build(new LimitsOptions { CpuSeconds = 0, AddressSpaceMb = 0, FileSizeMb = 0, Processes = 0 }, null, null, "/usr/bin/git", ["status"]);

        Assert.Equal(["--wait", "/usr/bin/git", "status"], plan.Arguments);
        Assert.Equal(["process-group"], plan.Applied);
    }

    [Fact]
    public void Build_WithCgroup_JoinsItFirstThroughAFixedLine()
    {
        var plan = LaunchPlan.Build(Limits, null, "/sys/fs/cgroup/agent/p4flow-cmd-7", "/usr/bin/git", ["$(reboot)"]);

        Assert.Equal("/bin/sh", plan.FileName);
        Assert.Equal(["-c", LaunchPlan.JoinCgroup, "/sys/fs/cgroup/agent/p4flow-cmd-7", "/usr/bin/setsid", "--wait"], plan.Arguments.Take(5));
        Assert.Equal("$(reboot)", plan.Arguments[^1]);
        Assert.Equal(["cgroup-v2", "process-group", "rlimits"], plan.Applied);
    }

    [Fact]
    public void Build_NativeLauncher_OneExecWithTheSameContainment()
    {
        var plan = LaunchPlan.Build(Limits, new RunAsUser("nobody", 65534, 65534), "/sys/fs/cgroup/agent/p4flow-cmd-7", "/usr/bin/p4", ["--", "-p", "sync"], launcher: "/opt/p4flow/p4flow-launch");

        Assert.Equal("/opt/p4flow/p4flow-launch", plan.FileName);
        Assert.Equal(
            ["--cgroup=/sys/fs/cgroup/agent/p4flow-cmd-7", "--cpu=60", "--as=536870912", "--fsize=2097152", "--nproc=32", "--uid=65534", "--gid=65534", "--",
             "/usr/bin/p4", "--", "-p", "sync"],
            plan.Arguments);
        Assert.Equal(["cgroup-v2", "process-group", "rlimits", "run_as:nobody"], plan.Applied);
    }

    [Theory]
    [InlineData("util-linux", null)]
    [InlineData("fast", "execution.launcher must be auto, native or util-linux (got 'fast').")]
    public void CheckLauncher_NamesTheKey(string setting, string? problem) => Assert.Equal(problem, LaunchPlan.CheckLauncher(setting));

    [Fact]
    public void LauncherFor_UtilLinux_NoNativeLauncherAndSaysWhy()
    {
        Assert.Null(LaunchPlan.LauncherFor(LaunchPlan.UtilLinux, out var why));
        Assert.Equal("execution.launcher is util-linux", why);
    }

    [Fact]
    public void LauncherFor_AutoAndNative_TheOneBuiltBesideTheAgent()
    {
        // The agent's build compiles it wherever a C compiler is installed, as on every machine that runs these tests.
        Assert.True(File.Exists(LaunchPlan.BundledLauncher), $"{LaunchPlan.BundledLauncher} was not built");
        Assert.Equal(LaunchPlan.BundledLauncher, LaunchPlan.LauncherFor(LaunchPlan.Auto, out var why));
        Assert.Null(why);
        Assert.Null(LaunchPlan.CheckLauncher(LaunchPlan.Native));
    }

    [Fact]
    public void ProblemWith_LauncherOthersCouldReplace_NotTrusted()
    {
        var dir = Directory.CreateTempSubdirectory("p4flow-launcher-").FullName;
        try
        {
            var copy = Path.Combine(dir, LaunchPlan.NativeLauncherName);
            File.Copy(LaunchPlan.BundledLauncher, copy);
            Assert.Null(LaunchPlan.ProblemWith(copy));

            File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.OtherWrite);
            Assert.Equal($"{dir} is writable by its group or by others", LaunchPlan.ProblemWith(copy));
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            File.SetUnixFileMode(copy, File.GetUnixFileMode(copy) | UnixFileMode.GroupWrite);
            Assert.Equal($"{copy} is writable by its group or by others", LaunchPlan.ProblemWith(copy));
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var link = Path.Combine(dir, "link");
            File.CreateSymbolicLink(link, copy);
            Assert.Equal($"{link} is a symbolic link", LaunchPlan.ProblemWith(link));

            var foreign = Path.Combine(dir, "foreign");
            File.WriteAllText(foreign, "#!/bin/sh\nexit 1\n");
            File.SetUnixFileMode(foreign, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Assert.Equal($"{foreign} does not run on this machine (built for another architecture?)", LaunchPlan.ProblemWith(foreign));

            if (Environment.IsPrivilegedProcess)
            {
                LibC.Chown(copy, 65534, 65534);
                Assert.Equal($"{copy} belongs to uid 65534, neither root nor this agent's user", LaunchPlan.ProblemWith(copy));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
