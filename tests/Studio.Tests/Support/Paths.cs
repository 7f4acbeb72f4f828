namespace P4Flow.Studio.Tests.Support;

/// <summary>Where the artifacts of a run are.</summary>
internal static class Paths
{
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

/// <summary>Copies an orchestrator's logs into the artifacts when the test did not reach <see cref="Passed"/>: its home goes with it.</summary>
internal sealed class KeepLogsOnFailure(string home, string name) : IDisposable
{
    private bool _passed;

    public void Passed() => _passed = true;

    public void Dispose()
    {
        var logs = Path.Combine(home, "logs");
        if (_passed || !Directory.Exists(logs)) return;
        var target = Path.Combine(Paths.Artifacts, name + "-logs");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(logs)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
    }
}
