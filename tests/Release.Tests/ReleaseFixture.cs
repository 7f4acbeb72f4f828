using System.Runtime.InteropServices;

namespace P4Flow.Release.Tests;

/// <summary>
/// The release for this machine's architecture, built once by scripts/release.sh (as the README says) into a temporary
/// folder and unpacked into another, outside the source tree; both deleted at the end.
/// </summary>
public sealed class ReleaseFixture : IAsyncLifetime
{
    public const string Version = "0.9.0";

    public static string Runtime => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "p4flow-release-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Where release.sh wrote the archives.</summary>
    public string Archives => Path.Combine(Root, "out");

    /// <summary>The unpacked release: what /opt/p4flow holds on a real install.</summary>
    public string Install => Path.Combine(Root, "install", $"p4flow-{Version}-{Runtime}");

    public string Cli => Path.Combine(Install, "bin", "p4flow");

    public string P4 => Path.Combine(Install, "p4sim", "p4");

    public string BuildOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "install"));
        // Build hosts' agents run as an unprivileged user that must reach the release's p4 launcher.
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        var build = await ProgramRun.RunAsync("bash", [Path.Combine(OrchestratorBuild.RepositoryRoot, "scripts", "release.sh"), "--runtime", Runtime, "--output", Archives, "--version", Version],
            OrchestratorBuild.RepositoryRoot, timeout: TimeSpan.FromMinutes(25));
        BuildOutput = build.Output;
        Assert.True(build.ExitCode == 0, $"release.sh exited {build.ExitCode}:\n{build.Output}");
        await ProgramRun.RunCheckedAsync("tar", ["-xzf", Path.Combine(Archives, $"p4flow-{Version}-{Runtime}.tar.gz"), "-C", Path.Combine(Root, "install")]);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held; the temp folder's own cleanup takes it.
        }
        return Task.CompletedTask;
    }
}
