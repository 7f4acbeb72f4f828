using System.Diagnostics;

namespace P4Flow.TestSupport;

/// <summary>
/// Ends every process this test host started when the host ends, however it ends (SIGKILL included): the host puts
/// <see cref="HostVariable"/> in its environment, so every process it starts (and theirs, unless they drop it) carries
/// it, and a watchdog process (test-processes.sh) holding the read end of a pipe from the host kills them all, with
/// their descendants, when the kernel closes that pipe. Test projects start it from a module initializer, before any
/// test; the process helpers here start it too (the benchmarks use them).
/// </summary>
/// <remarks>
/// Not PR_SET_PDEATHSIG: it fires when the thread that forked exits, and .NET forks from whichever thread calls
/// Process.Start, thread-pool threads that retire. Not process groups alone either: an agent's commands and a daemonized
/// agent start sessions of their own. What a process started after it dropped the marker and left the tree of the
/// marked ones (an agent's command orphaned when its agent died before the host) is not found.
/// </remarks>
public static class TestProcessWatchdog
{
    /// <summary>Marks the processes of one test host: P4FLOW_TEST_HOST=&lt;pid&gt;-&lt;random&gt;.</summary>
    public const string HostVariable = "P4FLOW_TEST_HOST";

    /// <summary>Marks the processes of one test run (test.sh passes it to every test host); test.sh fails when any is left.</summary>
    public const string RunVariable = "P4FLOW_TEST_RUN";

    /// <summary>A file (test.sh sets it) where the watchdog notes the processes it had to end: a test did not stop them.</summary>
    public const string ReapedVariable = "P4FLOW_TEST_REAPED";

    private static readonly Lazy<Process> Watchdog = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The script that lists and kills marked processes, copied next to the test assemblies.</summary>
    public static string Script => Path.Combine(AppContext.BaseDirectory, "test-processes.sh");

    /// <summary>This host's marker, NAME=VALUE, once <see cref="EnsureStarted"/> ran.</summary>
    public static string HostMarker => $"{HostVariable}={Environment.GetEnvironmentVariable(HostVariable)}";

    /// <summary>Starts the watchdog once per process; later calls do nothing.</summary>
    public static void EnsureStarted() => _ = Watchdog.Value;

    private static Process Start()
    {
        var id = $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add("watch");
        info.ArgumentList.Add($"{HostVariable}={id}");
        // Not marked itself (a host started by another test host inherited that one's marker), so it never kills itself.
        info.Environment.Remove(HostVariable);
        var watchdog = Process.Start(info) ?? throw new InvalidOperationException("the test process watchdog did not start");
        // Every process started from here on inherits it (.NET builds a child's environment from this one).
        Environment.SetEnvironmentVariable(HostVariable, id);
        // Held in a static field for the life of the host: the pipe (close-on-exec, so no other child holds it) closes
        // only when this process ends.
        return watchdog;
    }
}
