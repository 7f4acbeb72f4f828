using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Protocol;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Execution;

/// <summary>
/// Runs one command as a child process: an argument array (never a shell), in {workspace root}/{job}, its
/// output passed on as it arrives, held by <see cref="Containment"/>; on timeout or cancel its process group gets
/// SIGTERM, then SIGKILL execution.kill_grace later, and whatever it left behind is killed when it ends. A built-in
/// command (<see cref="BuiltInCommands"/>) starts no process: the agent carries it out itself.
/// </summary>
internal sealed partial class CommandRunner(IOptions<AgentOptions> agent, IOptions<ExecutionOptions> execution, Containment containment)
{
    private const int ChunkChars = 8192;
    private readonly Lazy<HashSet<string>> _allowed = new(() => AllowedDefault(execution.Value));

    /// <summary>The job's directory under the workspace root; a workspace name that could leave the root is refused.</summary>
    /// <summary>The workspace root: every job's folder is right inside it.</summary>
    public string WorkspaceRoot => Path.GetFullPath(agent.Value.Workspace);

    public string WorkDirFor(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = string.IsNullOrEmpty(command.Workspace) ? command.JobId : command.Workspace;
        if (!WorkspaceName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
            throw new CommandRefusedException($"workspace '{name}' is not a plain folder name");
        return Path.Combine(WorkspaceRoot, name);
    }

    /// <param name="onOutput">Called with each chunk as the command prints it; must not block.</param>
    public async Task<CommandResult> RunAsync(Command command, Action<OutputStream, string> onOutput, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(onOutput);
        var clock = Stopwatch.StartNew();
        if (command.Args.Count == 0 || string.IsNullOrEmpty(command.Args[0]))
            return Refused(command, "the command has no program to run", clock);
        if (BuiltInCommands.IsBuiltIn(command.Args[0])) return RunBuiltIn(command, onOutput, clock, cancel);

        string workDir, temp;
        LaunchPlan plan;
        string? cgroup;
        Dictionary<string, string> jobEnv;
        try
        {
            workDir = WorkDirFor(command);
            var program = AllowedProgram(command.Args[0]);
            jobEnv = EnvironmentOf(command);
            CheckInsideRoot(workDir);
            temp = Path.Combine(workDir, ".tmp");
            Directory.CreateDirectory(temp);
            (plan, cgroup) = containment.Prepare(command.CmdId, program, command.Args.Skip(1), workDir);
        }
        catch (CommandRefusedException ex)
        {
            var refused = Refused(command, ex.Message, clock);
            refused.Refused = true;
            return refused;
        }

        var info = new ProcessStartInfo(plan.FileName)
        {
            WorkingDirectory = workDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in plan.Arguments) info.ArgumentList.Add(arg);
        // The agent's own environment (its secrets, JWT_SECRET among them) is not passed on: only the listed
        // variables, then the job's, with HOME and TMPDIR inside the job's folder.
        var inherited = execution.Value.InheritedEnv.ToHashSet(StringComparer.Ordinal);
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (!inherited.Contains(key)) info.Environment.Remove(key);
        }
        foreach (var (key, value) in jobEnv) info.Environment[key] = value;
        info.Environment["HOME"] = workDir;
        info.Environment["TMPDIR"] = temp;

        try
        {
            return await RunProcessAsync(command, info, workDir, plan, onOutput, clock, cancel).ConfigureAwait(false);
        }
        finally
        {
            if (cgroup is not null) await CgroupV2.RemoveAsync(cgroup).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A command the agent carries out itself (<see cref="BuiltInCommands"/>): no program, so no allow-list, launcher or
    /// containment, and nothing is made in the job's folder; its folder passes the same checks as a program's. Quick
    /// enough that the timeout cannot strike; a cancel that came first stops it.
    /// </summary>
    private CommandResult RunBuiltIn(Command command, Action<OutputStream, string> onOutput, Stopwatch clock, CancellationToken cancel)
    {
        string workDir;
        try
        {
            workDir = WorkDirFor(command);
            CheckInsideRoot(workDir);
        }
        catch (CommandRefusedException ex)
        {
            var refused = Refused(command, ex.Message, clock);
            refused.Refused = true;
            return refused;
        }
        if (cancel.IsCancellationRequested)
            return new CommandResult { CmdId = command.CmdId, ExitCode = -1, Cancelled = true, Duration = Duration.FromTimeSpan(clock.Elapsed) };

        // stdin goes in as given: "$WORKDIR" is a placeholder for programs, and a merge result may well hold that text.
        var outcome = WorkspaceFile.Run(command.Args, command.HasStdin ? command.Stdin : null, workDir);
        var result = new CommandResult
        {
            CmdId = command.CmdId,
            ExitCode = outcome.ExitCode,
            Stdout = outcome.Stdout,
            Stderr = outcome.Stderr,
            Duration = Duration.FromTimeSpan(clock.Elapsed),
            Refused = outcome.Refused,
        };
        if (outcome.Refused) result.Error = outcome.Message;
        else if (result.Stdout.Length > 0) onOutput(OutputStream.Stdout, result.Stdout);
        else onOutput(OutputStream.Stderr, result.Stderr);
        return result;
    }

    private async Task<CommandResult> RunProcessAsync(Command command, ProcessStartInfo info, string workDir, LaunchPlan plan, Action<OutputStream, string> onOutput, Stopwatch clock, CancellationToken cancel)
    {
        Process process;
        try
        {
            // The launchers would start and then fail to exec it; say so as plainly as a failed start.
            if (!File.Exists(plan.Program)) throw new Win32Exception($"{plan.Program} does not exist");
            process = Process.Start(info) ?? throw new Win32Exception($"{command.Args[0]} did not start");
        }
        catch (Win32Exception ex)
        {
            return Refused(command, $"could not start '{command.Args[0]}': {ex.Message}", clock, exitCode: 127);
        }

        using (process)
        {
            // setsid made the launcher (and so the program it becomes) the leader of its own process group.
            var group = process.Id;
            var limit = execution.Value.MaxOutputChars;
            var truncated = new bool[2];
            var stdout = PumpAsync(process.StandardOutput, OutputStream.Stdout, onOutput, limit, () => truncated[0] = true);
            var stderr = PumpAsync(process.StandardError, OutputStream.Stderr, onOutput, limit, () => truncated[1] = true);
            try
            {
                if (command.HasStdin) await process.StandardInput.WriteAsync(CommandWorkDir.Expand(command.Stdin, workDir)).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program exited without reading its input; its exit code tells the rest.
            }

            var timeout = command.Timeout is { } t && t.ToTimeSpan() > TimeSpan.Zero ? t.ToTimeSpan() : TimeSpan.FromSeconds(execution.Value.DefaultTimeout);
            using var limitCts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limitCts.CancelAfter(timeout);
            bool timedOut = false, cancelled = false;
            try
            {
                await process.WaitForExitAsync(limitCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cancelled = cancel.IsCancellationRequested;
                timedOut = !cancelled;
                await StopAsync(process, group).ConfigureAwait(false);
            }
            // Nothing a command started outlives it: what is left of its group (a daemon, a fork bomb) is killed.
            await KillGroupAsync(group).ConfigureAwait(false);

            // A grandchild that left the group can hold the pipes open; do not wait for it forever.
            var output = Task.WhenAll(stdout, stderr);
            await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            var result = new CommandResult
            {
                CmdId = command.CmdId,
                ExitCode = timedOut || cancelled ? -1 : process.ExitCode,
                Stdout = stdout.IsCompletedSuccessfully ? stdout.Result : "",
                Stderr = stderr.IsCompletedSuccessfully ? stderr.Result : "",
                Duration = Duration.FromTimeSpan(clock.Elapsed),
                TimedOut = timedOut,
                Cancelled = cancelled,
                OutputTruncated = truncated[0] || truncated[1],
            };
            if (!timedOut && !cancelled && LaunchFailed(process.ExitCode, result.Stderr))
            {
                // The launcher stopped before the program: nothing of the command ran, and nothing contained it.
                result.Refused = true;
                result.Error = $"not started: {result.Stderr.Trim()}";
                return result;
            }
            result.Containment.AddRange(plan.Applied);
            if (timedOut) result.Error = $"timed out after {timeout.TotalSeconds:0.###} s; its process group was stopped (SIGTERM, then SIGKILL after {execution.Value.KillGrace:0.###} s)";
            return result;
        }
    }

    /// <summary>A launcher's own failure: p4flow-launch's exit codes (126 setup, 127 exec), or a util-linux launcher's message.</summary>
    private static bool LaunchFailed(int exitCode, string stderr) => exitCode != 0 && (
        (exitCode is 126 or 127 && stderr.StartsWith(LaunchPlan.NativeLauncherName + ": ", StringComparison.Ordinal))
        || UtilLinuxLaunchers.Any(l => stderr.StartsWith(l, StringComparison.Ordinal)));

    private static readonly string[] UtilLinuxLaunchers = ["setsid: ", "prlimit: ", "setpriv: "];

    /// <summary>SIGTERM to the command's process group; SIGKILL to what is still there after the grace.</summary>
    private async Task StopAsync(Process process, int group)
    {
        LibC.SignalGroup(group, LibC.SigTerm);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(execution.Value.KillGrace));
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // It ignored SIGTERM.
        }
        await KillGroupAsync(group).ConfigureAwait(false);
        KillTree(process);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>SIGKILL to the group until none of it is left (a process forking meanwhile joins the group it is killed with).</summary>
    private static async Task KillGroupAsync(int group)
    {
        for (var round = 0; round < 100 && LibC.SignalGroup(group, LibC.SigKill); round++) await Task.Delay(10).ConfigureAwait(false);
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
        catch (Win32Exception)
        {
            // Part of the tree was already gone.
        }
    }

    private static async Task<string> PumpAsync(StreamReader reader, OutputStream stream, Action<OutputStream, string> onOutput, int limit, Action onTruncated)
    {
        var text = new StringBuilder();
        var buffer = new char[ChunkChars];
        var dropped = 0L;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            var chunk = new string(buffer, 0, read);
            // Past the cap nothing is kept or streamed to the hub: a program printing without end costs it nothing.
            var room = limit - text.Length;
            if (room >= read)
            {
                text.Append(chunk);
                onOutput(stream, chunk);
            }
            else
            {
                if (room > 0)
                {
                    text.Append(chunk.AsSpan(0, room));
                    onOutput(stream, chunk[..room]);
                }
                dropped += read - Math.Max(room, 0);
            }
        }
        if (dropped > 0) onTruncated();
        if (dropped > 0) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n[p4flow-agent: {dropped} more characters dropped]\n");
        return text.ToString();
    }

    private static CommandResult Refused(Command command, string reason, Stopwatch clock, int exitCode = -1) => new()
    {
        CmdId = command.CmdId,
        ExitCode = exitCode,
        Stderr = reason,
        Error = reason,
        Duration = Duration.FromTimeSpan(clock.Elapsed),
    };

    /// <summary>The program's absolute path when it is on the allow-list (a bare name is looked up on PATH first).</summary>
    public string AllowedProgram(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var path = Path.IsPathFullyQualified(name) ? Path.GetFullPath(name) : FindOnPath(name);
        // Only a listed path passes, existing or not: a listed one that is missing fails to start with exit code 127.
        if (path is null || !_allowed.Value.Contains(path))
            throw new CommandRefusedException($"'{name}' is not an allowed executable (execution.allowed_executables: {string.Join(", ", _allowed.Value.Order(StringComparer.Ordinal))})");
        return path;
    }

    /// <summary>
    /// Variables that make a program load other code than its own, or steer the C library's start-up (parsed by the
    /// launcher too, which may run as root); a job may not set them.
    /// </summary>
    private static readonly string[] ForbiddenEnvPrefixes = ["LD_", "DYLD_", "MALLOC_"];
    private static readonly HashSet<string> ForbiddenEnv = new(StringComparer.OrdinalIgnoreCase)
    {
        "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "IFS", "GCONV_PATH", "HOSTALIASES", "LOCALDOMAIN", "RESOLV_HOST_CONF", "NLSPATH",
        "PYTHONPATH", "PYTHONSTARTUP", "PERL5LIB", "PERL5OPT", "RUBYOPT", "NODE_OPTIONS", "JAVA_TOOL_OPTIONS", "HOME", "TMPDIR",
        "GLIBC_TUNABLES", "LOCPATH",
    };

    /// <summary>
    /// The job's variables as the program gets them: none that steers the loader or the C library, and p4's tickets
    /// and trust files only in this agent's state folder (<see cref="CommandStateFile"/>), never the job's folder.
    /// </summary>
    private Dictionary<string, string> EnvironmentOf(Command command)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in command.Env)
        {
            if (ForbiddenEnv.Contains(key) || ForbiddenEnvPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                throw new CommandRefusedException($"the environment variable {key} may not be set by a job");
            if (CommandStateFile.Governs(key))
            {
                var path = CommandStateFile.TryExpand(key, value, agent.Value.StateDir, out var error) ?? throw new CommandRefusedException(error!);
                // Made here, owner-only, so there is no moment in which p4 has written a ticket into a file others can read.
                if (!File.Exists(path)) File.Create(path, 0, FileOptions.None).Dispose();
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                containment.GiveToCommandUser(Path.GetDirectoryName(path)!);
                containment.GiveToCommandUser(path);
                env[key] = path;
                continue;
            }
            env[key] = value;
        }
        return env;
    }

    /// <summary>The job's folder must be a real folder inside the workspace root, not a link to elsewhere.</summary>
    public void CheckInsideRoot(string workDir)
    {
        // The folder's name is one plain path component (WorkDirFor), so its parent is the root; only a link
        // put there (by a job, or by hand) could lead elsewhere.
        var root = Path.GetFullPath(agent.Value.Workspace);
        if (!string.Equals(Path.GetDirectoryName(workDir), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
            throw new CommandRefusedException($"the job's folder {workDir} is outside the workspace root {root}");
        if (new DirectoryInfo(workDir).LinkTarget is { } target)
            throw new CommandRefusedException($"the job's folder {workDir} is a link (to {target}); it must be a folder inside the workspace root");
    }

    private static string? FindOnPath(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal)) return null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (Path.IsPathFullyQualified(candidate) && File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    private static HashSet<string> AllowedDefault(ExecutionOptions execution)
    {
        var configured = execution.AllowedExecutables;
        var paths = configured.Count > 0 ? configured.Select(Path.GetFullPath) : new[] { FindOnPath("p4"), FindOnPath("git") }.OfType<string>();
        return paths.ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex WorkspaceName();
}

internal sealed class CommandRefusedException(string message) : Exception(message);
