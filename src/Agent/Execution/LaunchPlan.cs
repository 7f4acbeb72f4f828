using System.Globalization;
using P4Flow.Agent.Configuration;

namespace P4Flow.Agent.Execution;

/// <summary>
/// How a command's program is started: util-linux launchers in front of it, each exec'ing the next, so the limits,
/// the session and the user are those of the program itself. No shell sees the command's arguments.
/// </summary>
/// <param name="FileName">The first program to start.</param>
/// <param name="Arguments">Its arguments: the other launchers, then the command's program and arguments.</param>
/// <param name="Applied">What contains the command, for its result (CommandResult.containment).</param>
/// <param name="Program">The command's own program, last of the chain.</param>
internal sealed record LaunchPlan(string FileName, IReadOnlyList<string> Arguments, IReadOnlyList<string> Applied, string Program)
{
    public const string Setsid = "/usr/bin/setsid";
    public const string Prlimit = "/usr/bin/prlimit";
    public const string Setpriv = "/usr/bin/setpriv";
    public const string Shell = "/bin/sh";

    /// <summary>Moves itself into the cgroup named by $0, then becomes the rest of its arguments (a fixed line: no command text enters it).</summary>
    public const string JoinCgroup = "echo 0 > \"$0/cgroup.procs\" && exec \"$@\"";

    private const long MiB = 1024 * 1024;

    /// <param name="runAs">The unprivileged user and group ids to switch to (a root agent), or null to stay.</param>
    /// <param name="cgroup">The command's own cgroup v2 folder, or null.</param>
    public static LaunchPlan Build(LimitsOptions limits, RunAsUser? runAs, string? cgroup, string program, IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var chain = new List<string>();
        var applied = new List<string>();
        if (cgroup is not null)
        {
            chain.AddRange([Shell, "-c", JoinCgroup, cgroup]);
            applied.Add("cgroup-v2");
        }
        // A session of its own: the command and all it starts are one process group, signalled as one.
        chain.AddRange([Setsid, "--wait"]);
        applied.Add("process-group");

        var rlimits = new List<string>();
        if (limits.CpuSeconds > 0) rlimits.Add(Option("--cpu", limits.CpuSeconds));
        if (limits.AddressSpaceMb > 0) rlimits.Add(Option("--as", limits.AddressSpaceMb * MiB));
        if (limits.FileSizeMb > 0) rlimits.Add(Option("--fsize", limits.FileSizeMb * MiB));
        if (limits.Processes > 0) rlimits.Add(Option("--nproc", limits.Processes));
        if (rlimits.Count > 0)
        {
            chain.Add(Prlimit);
            chain.AddRange(rlimits);
            chain.Add("--");
            applied.Add("rlimits");
        }
        if (runAs is not null)
        {
            // No supplementary groups of root, and no way back up through a setuid program.
            chain.AddRange([Setpriv, Option("--reuid", runAs.Uid), Option("--regid", runAs.Gid), "--clear-groups", "--no-new-privs", "--"]);
            applied.Add("run_as:" + runAs.Name);
        }
        chain.Add(program);
        chain.AddRange(args);
        return new LaunchPlan(chain[0], chain.Skip(1).ToList(), applied, program);
    }

    private static string Option(string name, long value) => name + "=" + value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The user a root agent's commands run as.</summary>
internal sealed record RunAsUser(string Name, int Uid, int Gid);
