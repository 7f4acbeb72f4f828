namespace P4Flow.Studio.Tests.Support;

/// <summary>Where the orchestrator under test and the artifacts are.</summary>
internal static class Paths
{
    private static readonly DirectoryInfo Output = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The repository root (the test runs from tests/Studio.Tests/bin/CONFIG/TFM).</summary>
    public static string Repository => Output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>The orchestrator's own build output, with its static web assets manifest and the simulator's `p4`.</summary>
    public static string OrchestratorDir => Path.Combine(Repository, "src", "Orchestrator", "bin", Output.Parent!.Name, Output.Name);

    public static string P4Launcher => Path.Combine(OrchestratorDir, "p4");

    /// <summary>Screenshots and accessibility reports, kept after the run.</summary>
    public static string Artifacts
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}
