using System.Diagnostics;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>promtool from the Debian package `prometheus`, and the repository's config folder it checks.</summary>
internal static class Promtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string? stdin, params string[] args)
    {
        var path = Find() ?? throw new Xunit.Sdk.XunitException(
            "promtool is not installed: install the Debian package `prometheus` (apt-get install prometheus; .ci/run does it on CI).");
        var info = new ProcessStartInfo(path) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("promtool did not start");
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The repository's config/ folder, found upwards from the test's output folder.</summary>
    public static string ConfigDir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var config = Path.Combine(dir.FullName, "config");
                if (File.Exists(Path.Combine(config, "prometheus", "alerts.yml"))) return config;
            }
            throw new DirectoryNotFoundException($"No config/prometheus/alerts.yml above {AppContext.BaseDirectory}.");
        }
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);
}
