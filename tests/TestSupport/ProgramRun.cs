using System.Diagnostics;

namespace P4Flow.TestSupport;

/// <summary>What a program that ran to its end printed, and how it exited.</summary>
public sealed record ProgramResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

/// <summary>Runs a program to its end with a deadline (p4, ssh-keygen, promtool, dotnet publish, the orchestrator's command line).</summary>
public static class ProgramRun
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <param name="stdin">Written to its standard input, which is then closed (closed at once without it: nothing waits on a prompt).</param>
    /// <param name="environment">Variables set for it on top of this process's.</param>
    public static async Task<ProgramResult> RunAsync(string program, IEnumerable<string> args, string? workingDirectory = null, string? stdin = null, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        TestProcessWatchdog.EnsureStarted();
        var info = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within {limit.TotalSeconds:0} s");
        }
        return new ProgramResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a command line with sh on this machine (what a build host reached over SSH sees), returning its trimmed output.</summary>
    public static async Task<string> ShellAsync(string command) => (await RunAsync("sh", ["-c", command])).Stdout.Trim();

    /// <summary>As <see cref="RunAsync"/>, but a non-zero exit throws with everything it printed.</summary>
    public static async Task<ProgramResult> RunCheckedAsync(string program, IEnumerable<string> args, string? workingDirectory = null, string? stdin = null, TimeSpan? timeout = null)
    {
        var result = await RunAsync(program, args, workingDirectory, stdin, timeout);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
        return result;
    }
}
