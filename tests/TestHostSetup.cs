using System.Runtime.CompilerServices;
using P4Flow.TestSupport;

namespace P4Flow.Tests;

/// <summary>Compiled into every test project (tests/Directory.Build.props): runs when the test assembly loads, before any test.</summary>
internal static class TestHostSetup
{
    /// <summary>Whatever a test starts is ended with this host, however it ends.</summary>
    [ModuleInitializer]
    internal static void StartProcessWatchdog() => TestProcessWatchdog.EnsureStarted();
}
