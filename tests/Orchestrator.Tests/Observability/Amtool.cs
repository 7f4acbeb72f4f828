namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>amtool from the Debian package `prometheus-alertmanager`: it checks an Alertmanager configuration without a running Alertmanager.</summary>
internal static class Amtool
{
    public static async Task<(int ExitCode, string Stdout, string Output)> RunAsync(params string[] args)
    {
        var path = Find() ?? throw new Xunit.Sdk.XunitException(
            "amtool is not installed: install the Debian package `prometheus-alertmanager` (apt-get install prometheus-alertmanager; .ci/run does it on CI).");
        var result = await ProgramRun.RunAsync(path, args);
        return (result.ExitCode, result.Stdout, result.Output);
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "amtool"))
            .FirstOrDefault(File.Exists);
}
