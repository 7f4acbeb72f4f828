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
