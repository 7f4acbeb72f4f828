using System.Diagnostics;
using System.Globalization;
using P4Flow.Agent.Configuration;

namespace P4Flow.Agent.Execution;

/// <summary>
/// How a command's program is started: a launcher in front of it that sets up its containment and then exec's it, so
/// the limits, the session and the user are those of the program itself. No shell sees the command's arguments.
/// The launcher is p4flow-launch (native, one exec) or util-linux's setsid, prlimit and setpriv, each exec'ing the next.
/// </summary>
/// <param name="FileName">The first program to start.</param>
/// <param name="Arguments">Its arguments: the launchers' options, then the command's program and arguments.</param>
/// <param name="Applied">What contains the command, for its result (CommandResult.containment).</param>
/// <param name="Program">The command's own program, last of the chain.</param>
internal sealed record LaunchPlan(string FileName, IReadOnlyList<string> Arguments, IReadOnlyList<string> Applied, string Program)
{
    public const string Auto = "auto";
    public const string Native = "native";
    public const string UtilLinux = "util-linux";
    public const string NativeLauncherName = "p4flow-launch";

    public const string Setsid = "/usr/bin/setsid";
    public const string Prlimit = "/usr/bin/prlimit";
    public const string Setpriv = "/usr/bin/setpriv";
    public const string Shell = "/bin/sh";

    /// <summary>Moves itself into the cgroup named by $0, then becomes the rest of its arguments (a fixed line: no command text enters it).</summary>
    public const string JoinCgroup = "echo 0 > \"$0/cgroup.procs\" && exec \"$@\"";

    private const long MiB = 1024 * 1024;

    /// <summary>p4flow-launch as the agent's build ships it, beside the agent's own files.</summary>
    public static string BundledLauncher => Path.Combine(AppContext.BaseDirectory, NativeLauncherName);

    /// <summary>The native launcher execution.launcher asks for: its path, or null for the util-linux chain and why not native.</summary>
    public static string? LauncherFor(string setting, out string? notNative)
    {
        notNative = setting == UtilLinux ? "execution.launcher is util-linux" : ProblemWith(BundledLauncher);
        return notNative is null ? BundledLauncher : null;
    }

    /// <summary>Why execution.launcher cannot be used, or null.</summary>
    public static string? CheckLauncher(string setting) => setting switch
    {
        Native when ProblemWith(BundledLauncher) is { } problem => $"execution.launcher is native but {problem}; set it to auto or util-linux, or fix that.",
        Native or Auto or UtilLinux => null,
        _ => $"execution.launcher must be auto, native or util-linux (got '{setting}').",
    };

    /// <summary>
    /// Why the launcher at <paramref name="path"/> must not start commands: missing, a link, changeable by anyone but
    /// root and this agent's own user (the file or any folder above it; a root agent runs it for every command), or
    /// not runnable here (built for another architecture).
    /// </summary>
    internal static string? ProblemWith(string path)
    {
        if (OperatingSystem.IsWindows()) return "it is for Linux";
        if (!File.Exists(path)) return $"{path} was not built (no C compiler where the agent was built)";
        if (new FileInfo(path).LinkTarget is not null) return $"{path} is a symbolic link";
        for (var item = path; !string.IsNullOrEmpty(item); item = Path.GetDirectoryName(item))
        {
            var owner = LibC.OwnerOf(item);
            if (owner is null) return $"who owns {item} cannot be read";
            if (owner != 0 && owner != LibC.EffectiveUid) return $"{item} belongs to uid {owner}, neither root nor this agent's user";
            var mode = File.GetUnixFileMode(item);
            // A sticky folder (/tmp) lets nobody replace what others put in it.
            var sticky = item != path && mode.HasFlag(UnixFileMode.StickyBit);
            if (!sticky && (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0) return $"{item} is writable by its group or by others";
        }
        return RunsHere(path) ? null : $"{path} does not run on this machine (built for another architecture?)";
    }

    private static bool RunsHere(string path)
    {
        try
        {
            using var check = Process.Start(new ProcessStartInfo(path, "--check") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (check is null) return false;
            var output = check.StandardOutput.ReadToEndAsync();
            if (!check.WaitForExit(TimeSpan.FromSeconds(10))) check.Kill();
            return check.HasExited && check.ExitCode == 0 && output.Result.Trim() == "p4flow-launch ok";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <param name="runAs">The unprivileged user and group ids to switch to (a root agent), or null to stay.</param>
    /// <param name="cgroup">The command's own cgroup v2 folder, or null.</param>
    /// <param name="launcher">The native launcher's path, or null for util-linux's.</param>
    public static LaunchPlan Build(LimitsOptions limits, RunAsUser? runAs, string? cgroup, string program, IEnumerable<string> args, string? launcher = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var rlimits = new List<string>();
        if (limits.CpuSeconds > 0) rlimits.Add(Option("--cpu", limits.CpuSeconds));
        if (limits.AddressSpaceMb > 0) rlimits.Add(Option("--as", limits.AddressSpaceMb * MiB));
        if (limits.FileSizeMb > 0) rlimits.Add(Option("--fsize", limits.FileSizeMb * MiB));
        if (limits.Processes > 0) rlimits.Add(Option("--nproc", limits.Processes));

        var chain = launcher is null ? UtilLinuxChain(rlimits, runAs, cgroup) : NativeChain(launcher, rlimits, runAs, cgroup);
        chain.Add(program);
        chain.AddRange(args);
        // A session of its own always: the command and all it starts are one process group, signalled as one.
        var applied = new List<string>();
        if (cgroup is not null) applied.Add("cgroup-v2");
        applied.Add("process-group");
        if (rlimits.Count > 0) applied.Add("rlimits");
        if (runAs is not null) applied.Add("run_as:" + runAs.Name);
        return new LaunchPlan(chain[0], chain.Skip(1).ToList(), applied, program);
    }

    private static List<string> NativeChain(string launcher, List<string> rlimits, RunAsUser? runAs, string? cgroup)
    {
        var chain = new List<string> { launcher };
        if (cgroup is not null) chain.Add("--cgroup=" + cgroup);
        chain.AddRange(rlimits);
        if (runAs is not null) chain.AddRange([Option("--uid", runAs.Uid), Option("--gid", runAs.Gid)]);
        chain.Add("--");
        return chain;
    }

    private static List<string> UtilLinuxChain(List<string> rlimits, RunAsUser? runAs, string? cgroup)
    {
        var chain = new List<string>();
        if (cgroup is not null) chain.AddRange([Shell, "-c", JoinCgroup, cgroup]);
        chain.AddRange([Setsid, "--wait"]);
        if (rlimits.Count > 0) chain.AddRange([Prlimit, .. rlimits, "--"]);
        // No supplementary groups of root, and no way back up through a setuid program.
        if (runAs is not null) chain.AddRange([Setpriv, Option("--reuid", runAs.Uid), Option("--regid", runAs.Gid), "--clear-groups", "--no-new-privs", "--"]);
        return chain;
    }

    private static string Option(string name, long value) => name + "=" + value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The user a root agent's commands run as.</summary>
internal sealed record RunAsUser(string Name, int Uid, int Gid);
