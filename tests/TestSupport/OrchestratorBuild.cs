namespace P4Flow.TestSupport;

/// <summary>Where the repository, the orchestrator program under test and the p4 simulator's launcher are.</summary>
public static class OrchestratorBuild
{
    private const string Assembly = "P4Flow.Orchestrator.dll";
    private static readonly DirectoryInfo Output = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The repository root: the folder above this output that holds P4Flow.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = Output; dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "P4Flow.sln"))) return dir.FullName;
            throw new InvalidOperationException("P4Flow.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// The folder with the orchestrator's program and, under it, the simulator's `p4sim/p4`: this output when the project
    /// references the orchestrator's assembly; otherwise the orchestrator's own build output of the same configuration
    /// (the Studio tests: its static web assets manifest is there).
    /// </summary>
    public static string Folder => File.Exists(Path.Combine(Output.FullName, Assembly))
        ? Output.FullName
        : Path.Combine(RepositoryRoot, "src", "Orchestrator", "bin", Output.Parent!.Name, Output.Name);

    public static string Program => Path.Combine(Folder, Assembly);

    /// <summary>The simulator's launcher, what p4 is to the tests.</summary>
    public static string P4Launcher => Path.Combine(Folder, "p4sim", "p4");
}
