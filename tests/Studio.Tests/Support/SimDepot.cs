using System.Diagnostics;

namespace P4Flow.Studio.Tests.Support;

/// <summary>The p4 simulator's demo depot (main and rel share history; main has a clean change, a conflicting one and a binary file).</summary>
public sealed class SimDepot : IDisposable
{
    private SimDepot(string root) => Root = root;

    /// <summary>The depot folder: the P4PORT of the simulator.</summary>
    public string Root { get; }

    public static async Task<SimDepot> CreateDemoAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "p4flow-studio-demo-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var depot = new SimDepot(Path.Combine(folder, "depot"));
        await RunAsync(folder, ["init-demo", depot.Root]);
        return depot;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the temp folder's own cleanup.
        }
    }

    /// <summary>Runs p4 as a person working in a job's workspace, e.g. to resolve its conflicts by hand.</summary>
    public Task<string> RunInJobWorkspaceAsync(string workspace, string user, string client, params string[] args) =>
        RunAsync(workspace, ["-p", Root, "-u", user, "-c", client, .. args]);

    private static async Task<string> RunAsync(string workDir, string[] args)
    {
        var info = new ProcessStartInfo(Paths.P4Launcher) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("p4 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"p4 {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}{await stderr}");
        return await stdout + await stderr;
    }
}
