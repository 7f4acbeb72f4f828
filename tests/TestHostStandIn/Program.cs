using System.Diagnostics;
using P4Flow.TestSupport;

namespace P4Flow.TestHostStandIn;

/// <summary>
/// Stands in for a test host in the tests of <see cref="TestProcessWatchdog"/>: `wait COMMAND` starts `sh -c COMMAND`
/// through TestSupport, prints "started" once the command printed "ready", and waits to be killed; `exit COMMAND`
/// ends there instead, as a host whose test forgot what it started.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args is not ["wait" or "exit", var command])
        {
            await Console.Error.WriteLineAsync("usage: P4Flow.TestHostStandIn wait|exit COMMAND");
            return 2;
        }
        TestProcessWatchdog.EnsureStarted();
        // Deliberately never disposed: only the watchdog ends it.
        var child = CapturedProcess.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", command } });
        while (!child.Output.Contains("ready", StringComparison.Ordinal))
        {
            if (child.HasExited)
            {
                await Console.Error.WriteLineAsync($"the command exited with {child.ExitCode}: {child.Output}");
                return 1;
            }
            await Task.Delay(20);
        }
        Console.WriteLine("started");
        if (args[0] == "wait") await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
