using System.Diagnostics;

namespace P4Flow.P4Sim.Tests.Launcher;

/// <summary>The simulator as a child process: the native executable, or the dll on the .NET runtime.</summary>
internal sealed class SimProcess(string fileName, params string[] leadingArguments)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>p4-native beside the test assembly: copied from the simulator's build output when the build compiled it.</summary>
    public static string NativePath => Path.Combine(AppContext.BaseDirectory, "p4-native");

    public static SimProcess Native => new(NativePath);

    public static SimProcess Dll => new("dotnet", Path.Combine(AppContext.BaseDirectory, "P4Flow.P4Sim.dll"));

    /// <summary>The `p4` launcher script beside the test assembly: p4-native when it was built, else the dll.</summary>
    public static SimProcess Launcher => new(Path.Combine(AppContext.BaseDirectory, "p4"));

    public Task<P4Result> RunAsync(SimHarness harness, string input, params string[] args) => RunAsync(harness, input, null, args);

    /// <param name="extra">Environment on top of the harness's (e.g. P4SIM_FAULT, P4CLIENT).</param>
    public async Task<P4Result> RunAsync(SimHarness harness, string input, IReadOnlyDictionary<string, string>? extra, params string[] args)
    {
        using var process = Start(harness, extra, args);
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        await process.WaitForExitAsync(timeout.Token);
        return new P4Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts it in the harness's folder with its environment; the caller writes stdin and waits.</summary>
    public Process Start(SimHarness harness, IReadOnlyDictionary<string, string>? extra, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = harness.Root,
        };
        foreach (var arg in leadingArguments.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("P4CONFIG");
        start.Environment.Remove("P4SIM_FAULT");
        foreach (var (key, value) in extra is null ? harness.Environment : harness.Environment.Concat(extra))
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }
}

/// <summary>A fact that needs p4-native: skipped, with the reason, where the build could not compile it.</summary>
internal sealed class NativeFactAttribute : FactAttribute
{
    public NativeFactAttribute()
    {
        if (!File.Exists(SimProcess.NativePath))
        {
            Skip = "p4-native was not built (the native compile needs clang and zlib1g-dev); the dll is tested in-process.";
        }
    }
}
