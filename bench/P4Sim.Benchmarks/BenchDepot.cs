using System.Diagnostics;

namespace P4Flow.P4Sim.Benchmarks;

/// <summary>
/// A simulated depot in a temporary folder with the client dev-ws mapping all of //depot: main branched to rel, a change
/// on each side of a.c and b.c, and main integrated into rel, so `resolve -n` has pending resolves to list.
/// </summary>
internal sealed class BenchDepot : IDisposable
{
    private const string Client = "dev-ws";

    private BenchDepot(string folder)
    {
        Folder = folder;
        Root = Path.Combine(folder, "depot");
        Workspace = Path.Combine(folder, Client);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Workspace);
    }

    public string Folder { get; }

    /// <summary>The P4PORT of the simulator.</summary>
    public string Root { get; }

    public string Workspace { get; }

    /// <summary>Environment of every command: the depot, the developer and the client.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["P4PORT"] = Root,
        ["P4USER"] = "dev",
        ["P4CLIENT"] = Client,
    };

    public static async Task<BenchDepot> CreateAsync(string launcher)
    {
        var depot = new BenchDepot(Path.Combine(Path.GetTempPath(), "p4sim-bench-" + Guid.NewGuid().ToString("N")[..8]));
        async Task P4(string? input, params string[] args)
        {
            var result = await SimCommand.RunAsync(launcher, args, depot.Workspace, depot.Environment, input);
            if (result.Exit != 0)
            {
                throw new InvalidOperationException($"p4 {string.Join(' ', args)} exited {result.Exit}: {result.Stdout}{result.Stderr}");
            }
        }

        async Task WriteAsync(string relative, string text)
        {
            var path = Path.Combine(depot.Workspace, relative);
            // New files, or files opened for edit: p4 edit has made them writable.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, text);
        }

        static string Lines(int changed, string text) =>
            string.Concat(Enumerable.Range(1, 20).Select(i => i == changed ? text + "\n" : $"line {i}\n"));

        await P4($"Client:\t{Client}\n\nRoot:\t{depot.Workspace}\n\nView:\n\t//depot/... //{Client}/...\n", "client", "-i");
        foreach (var file in new[] { "a.c", "b.c", "c.c" })
        {
            await WriteAsync($"main/{file}", Lines(0, ""));
        }

        await P4(null, "add", "//depot/main/...");
        await P4(null, "submit", "-d", "Initial");
        await P4(null, "integrate", "//depot/main/...", "//depot/rel/...");
        await P4(null, "submit", "-d", "Branch main to rel");
        await P4(null, "edit", "//depot/main/a.c", "//depot/main/b.c");
        await WriteAsync("main/a.c", Lines(5, "main"));
        await WriteAsync("main/b.c", Lines(9, "main"));
        await P4(null, "submit", "-d", "Fix on main");
        await P4(null, "edit", "//depot/rel/a.c");
        await WriteAsync("rel/a.c", Lines(5, "rel"));
        await P4(null, "submit", "-d", "Fix on rel");
        await P4(null, "integrate", "//depot/main/...", "//depot/rel/...");
        return depot;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the temp folder's own cleanup.
        }
    }
}

internal sealed record SimResult(int Exit, string Stdout, string Stderr);

/// <summary>One p4 process, run to its end.</summary>
internal static class SimCommand
{
    public static async Task<SimResult> RunAsync(string program, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string> environment, string? stdin = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("P4CONFIG");
        info.Environment.Remove("P4SIM_FAULT");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return new SimResult(process.ExitCode, await stdout, await stderr);
    }
}
