using System.Globalization;

namespace P4Flow.Hub.Benchmarks;

/// <summary>The user and system CPU a process has used so far, from /proc (its own threads, not its children).</summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan Of(int? pid)
    {
        if (pid is null) return TimeSpan.Zero;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The fields after the command name, which may hold spaces, in its parentheses; utime and stime are 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The process whose working directory is <paramref name="dir"/> (the orchestrator in its home), if any.</summary>
    public static int? PidWithWorkingDirectory(string dir)
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                if (new DirectoryInfo(Path.Combine(proc, "cwd")).ResolveLinkTarget(false)?.FullName == dir
                    && File.ReadAllText(Path.Combine(proc, "cmdline")).Contains("P4Flow.Orchestrator.dll", StringComparison.Ordinal)) return pid;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to look at.
            }
        }
        return null;
    }
}
