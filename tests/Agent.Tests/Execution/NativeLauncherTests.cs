using System.Diagnostics;
using P4Flow.Agent.Execution;

namespace P4Flow.Agent.Tests.Execution;

/// <summary>p4flow-launch as built beside the agent, started the way the agent starts it.</summary>
public sealed class NativeLauncherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("p4flow-launch-").FullName;

    [Fact]
    public async Task Launch_Limits_AppliedSoftAndHardInTheProgram()
    {
        var (code, stdout, _) = await LaunchAsync("--cpu=5", "--fsize=2048", "--nproc=7", "--as=1073741824", "--", "/bin/bash", "-c", "ulimit -t; ulimit -Ht; ulimit -f; ulimit -Hf; ulimit -u; ulimit -v");

        Assert.Equal(0, code);
        // bash counts ulimit -f and -v in KiB: 2048 bytes are 2, 1 GiB is 1048576.
        Assert.Equal("5\n5\n2\n2\n7\n1048576\n", stdout);
    }

    [Fact]
    public async Task Launch_OwnSession_TheProgramLeadsItsProcessGroup()
    {
        // Fields 1, 5 and 6 of /proc/PID/stat: the pid, its process group and its session.
        var (code, stdout, _) = await LaunchAsync("--", "/bin/sh", "-c", "cut -d' ' -f1,5,6 /proc/$$/stat");

        Assert.Equal(0, code);
        var ids = stdout.Trim().Split(' ');
        Assert.Equal(ids[0], ids[1]);
        Assert.Equal(ids[0], ids[2]);
    }

    [Fact]
    public async Task Launch_RunAs_UnprivilegedWithoutGroupsAndNoNewPrivileges()
    {
        if (!Environment.IsPrivilegedProcess) return; // switching users takes root
        var (code, stdout, stderr) = await LaunchAsync("--uid=65534", "--gid=65534", "--", "/bin/sh", "-c", "id -u; id -g; grep -E '^(Groups|NoNewPrivs)' /proc/self/status");

        Assert.True(code == 0, stderr);
        Assert.Equal("65534\n65534\nGroups:\t\nNoNewPrivs:\t1\n", stdout.Replace("\t \n", "\t\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Launch_ArgumentsAfterTheSeparator_PassedOnAsTheyAre()
    {
        var (code, stdout, _) = await LaunchAsync("--", "/bin/echo", "--uid=0", "--", "$(id)");

        Assert.Equal(0, code);
        Assert.Equal("--uid=0 -- $(id)\n", stdout);
    }

    [Theory]
    [InlineData("unknown option: --bogus", "--bogus", "--")]
    [InlineData("--cpu: not a number", "--cpu=-1", "--")]
    [InlineData("--cpu: not a number", "--cpu=12x", "--")]
    [InlineData("--uid and --gid go together", "--uid=65534", "--")]
    [InlineData("--uid: commands never run as root", "--uid=0", "--gid=0", "--")]
    [InlineData("--gid: commands never run in root's group", "--uid=65534", "--gid=0", "--")]
    [InlineData("--uid: not a number", "--uid= -1", "--gid= -1", "--")]
    [InlineData("--uid: out of range", "--uid=18446744073709551615", "--gid=65534", "--")]
    [InlineData("--gid: out of range", "--uid=65534", "--gid=4294967295", "--")]
    [InlineData("the program must be an absolute path: touch", "--", "touch")]
    [InlineData("no program after --", "--cpu=1")]
    [InlineData("/nonexistent-cgroup/cgroup.procs: No such file or directory", "--cgroup=/nonexistent-cgroup", "--")]
    public async Task Launch_BadSetup_RefusedWithTheReasonAndNothingRuns(string reason, params string[] options)
    {
        var marker = Path.Combine(_dir, "ran");
        string[] program = options[^1] == "--" ? ["/usr/bin/touch", marker] : options[^1] == "touch" ? [marker] : [];

        var (code, _, stderr) = await LaunchAsync([.. options, .. program]);

        Assert.Equal(126, code);
        Assert.Equal($"p4flow-launch: {reason}\n", stderr);
        Assert.False(File.Exists(marker), "the program ran");
    }

    [Fact]
    public async Task Launch_InheritedDescriptorAndIgnoredSignals_NotPassedOn()
    {
        // A shell leaves descriptor 9 open without close-on-exec, as a script starting the agent might; .NET ignores SIGPIPE.
        var probe = "if [ -e /proc/$$/fd/9 ]; then echo fd9-open; else echo fd9-closed; fi; grep -E '^(SigIgn|SigBlk)' /proc/self/status";
        // "trap '' HUP TERM" stands for an agent started under nohup, or by a supervisor that ignores them.
        var (code, stdout, stderr) = await RunAsync("/bin/sh", "-c", $"exec 9</dev/null; trap '' HUP TERM; exec {LaunchPlan.BundledLauncher} -- /bin/sh -c \"{probe}\"");

        Assert.True(code == 0, stderr);
        // grep's own: a shell passes on what was ignored when it started, and unblocks signals for its children.
        Assert.Equal("fd9-closed\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", stdout);
    }

    [Fact]
    public async Task Launch_ProgramMissing_127WithTheReason()
    {
        var (code, _, stderr) = await LaunchAsync("--", "/nonexistent/p4");

        Assert.Equal(127, code);
        Assert.Equal("p4flow-launch: /nonexistent/p4: No such file or directory\n", stderr);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Stdout, string Stderr)> LaunchAsync(params string[] args) => RunAsync(LaunchPlan.BundledLauncher, args);

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout, await stderr);
    }
}
