namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>promtool from the Debian package `prometheus`, and the repository's config folder it checks.</summary>
internal static class Promtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string? stdin, params string[] args)
    {
        var path = Find() ?? throw new Xunit.Sdk.XunitException(
            "promtool is not installed: install the Debian package `prometheus` (apt-get install prometheus; .ci/run does it on CI).");
        var result = await ProgramRun.RunAsync(path, args, stdin: stdin);
        return (result.ExitCode, result.Output);
    }

    /// <summary>The repository's config/ folder, found upwards from the test's output folder.</summary>
    public static string ConfigDir => Path.Combine(OrchestratorBuild.RepositoryRoot, "config");

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);
}
