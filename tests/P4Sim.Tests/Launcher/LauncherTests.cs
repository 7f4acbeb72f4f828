using System.Diagnostics;

namespace P4Flow.P4Sim.Tests.Launcher;

/// <summary>The simulator as a real child process started through the `p4` launcher script.</summary>
public sealed class LauncherTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    private Process Start(IReadOnlyDictionary<string, string> extra, params string[] args) => SimProcess.Launcher.Start(_p4, extra, args);

    private Task<P4Result> RunAsync(string input, IReadOnlyDictionary<string, string> extra, params string[] args) =>
        SimProcess.Launcher.RunAsync(_p4, input, extra, args);

    private Task<P4Result> RunAsync(params string[] args) => RunAsync("", new Dictionary<string, string>(), args);

    [Fact]
    public async Task Launcher_Info_StdoutExitZero()
    {
        var result = await RunAsync("info");

        Assert.Equal(0, result.Exit);
        Assert.Contains("User name: bob", result.Out);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Launcher_Warning_StderrOnlyExitZero()
    {
        var result = await RunAsync("sync");

        Assert.Equal(0, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(["File(s) up-to-date."], result.Err);
    }

    [Fact]
    public async Task Launcher_Failure_ExitOne()
    {
        var result = await RunAsync("-s", "submit", "-c", "42");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["error: Change 42 unknown.", "exit: 1"], result.Out);
    }

    [Fact]
    public async Task Launcher_ClientFormOnStdin_Saved()
    {
        var form = $"Client:\tws3\n\nRoot:\t{_p4.Root}\n\nView:\n\t//depot/... //ws3/...\n";

        var result = await RunAsync(form, new Dictionary<string, string>(), "client", "-i");

        Assert.Equal(["Client ws3 saved."], result.Out);
    }

    [Fact]
    public async Task Launcher_DemoConflict_ResolveAmExitsZero()
    {
        var demo = Path.Combine(_p4.Folder, "demo");
        Assert.Equal(0, (await RunAsync("init-demo", demo)).Exit);
        var environment = new Dictionary<string, string> { ["P4PORT"] = demo, ["P4USER"] = "demo", ["P4CLIENT"] = "demo-ws" };
        Assert.Equal(0, (await RunAsync("", environment, "integrate", "-b", "main-rel")).Exit);

        var result = await RunAsync("", environment, "resolve", "-am");

        Assert.Equal(0, result.Exit);
        Assert.Contains("//demo-ws/rel/conflict.c - resolve skipped.", result.Out);
    }

    [Fact]
    public async Task Launcher_HangFault_StillRunningAtCallerTimeout()
    {
        using var process = Start(new Dictionary<string, string> { ["P4SIM_FAULT"] = "hang" }, "opened");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        var exited = true;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            exited = false;
        }

        process.Kill(entireProcessTree: true);
        Assert.False(exited);
    }

    [Fact]
    public async Task Launcher_ConcurrentSubmits_EachGetsItsOwnChange()
    {
        const int Writers = 4;
        for (var i = 0; i < Writers; i++)
        {
            var root = Path.Combine(_p4.Folder, $"w{i}");
            _p4.CreateClient($"w{i}", root, "bob");
            Directory.CreateDirectory(root);
            await File.WriteAllTextAsync(Path.Combine(root, $"f{i}.c"), $"{i}\n");
            SimHarness.Ok(_p4.RunOther("bob", $"w{i}", "add", $"//depot/f{i}.c"));
        }

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i =>
            RunAsync("", new Dictionary<string, string> { ["P4CLIENT"] = $"w{i}" }, "submit", "-d", $"writer {i}")));

        Assert.All(results, r => Assert.Equal(0, r.Exit));
        var submitted = results.Select(r => r.Out[^1]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Change 1 submitted.", "Change 2 submitted.", "Change 3 submitted.", "Change 4 submitted."], submitted);
        Assert.Equal(Writers, _p4.Run("changes", "-s", "submitted").Out.Length);
    }
}
