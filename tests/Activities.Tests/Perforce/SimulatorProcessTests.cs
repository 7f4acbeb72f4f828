using System.Reflection;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Tests.Perforce;

/// <summary>
/// The simulator as a real child process, started through its `p4` launcher by the runner and client the
/// pipeline uses, on a fresh `p4 init-demo` depot per test: the parsers against what it prints live.
/// </summary>
public sealed class SimulatorProcessTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "p4flow-activities-" + Guid.NewGuid().ToString("N"));
    private readonly LocalCommandRunner _runner;
    private readonly P4Client _p4;
    // The demo workspace is demo-ws: the client P4Client names for job "ws" with prefix "demo-".
    private readonly WorkflowInstance _job = new() { Id = "ws" };

    public SimulatorProcessTests()
    {
        _runner = new LocalCommandRunner(Options.Create(new LocalRunnerOptions { WorkspaceRoot = Path.Combine(_folder, "jobs") }));
        var options = new PerforceOptions { Executable = Launcher, Port = Demo, User = "demo", ClientPrefix = "demo-", DefaultTimeout = (int)Deadline.TotalSeconds };
        _p4 = Clients.P4(_runner, options);
    }

    /// <summary>src/P4Sim's build output, which the project reference builds first.</summary>
    private static string Launcher { get; } =
        typeof(SimulatorProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "P4SimLauncher").Value!;

    private string Demo => Path.Combine(_folder, "demo");

    private string Workspace => Path.Combine(Demo, "workspace");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Integrate_DemoBranchSpec_ThreeFilesOpened()
    {
        await InitDemoAsync();

        var output = await TaggedAsync("integrate", "-b", "main-rel");

        Assert.False(output.Failed);
        Assert.Equal(
            [
                new P4File("//depot/rel/clean.c", "integrate", "2", "//depot/main/clean.c"),
                new P4File("//depot/rel/conflict.c", "integrate", "2", "//depot/main/conflict.c"),
                new P4File("//depot/rel/logo.bin", "integrate", "2", "//depot/main/logo.bin"),
            ],
            P4Parsers.Integrate(output).Files);
    }

    [Fact]
    public async Task Resolve_AcceptMergeAfterIntegrate_OneMergedConflictSkippedBinaryTwoWay()
    {
        await InitDemoAsync();
        Assert.False((await TaggedAsync("integrate", "-b", "main-rel")).Failed);

        var output = await TaggedAsync("resolve", "-am");

        var result = P4Parsers.Resolve(output);
        Assert.Equal(0, output.Result.ExitCode);
        Assert.False(output.Failed);
        Assert.Equal([new P4File("//demo-ws/rel/clean.c", "merge from", null, "//depot/main/clean.c")], result.Resolved);
        Assert.Equal(
            [
                new P4Conflict($"{Workspace}/rel/conflict.c", "//depot/main/conflict.c", P4Conflict.TextConflict),
                new P4Conflict($"{Workspace}/rel/logo.bin", "//depot/main/logo.bin", P4Conflict.Binary),
            ],
            result.Skipped);
        Assert.Empty(result.WithMarkers);
        Assert.True(output.Says("Non-text diff:"));
    }

    [Fact]
    public async Task ResolvePreview_AfterAcceptMerge_ConflictAndBinaryPending()
    {
        await InitDemoAsync();
        Assert.False((await TaggedAsync("integrate", "-b", "main-rel")).Failed);
        Assert.False((await TaggedAsync("resolve", "-am")).Failed);

        var preview = await TaggedAsync("resolve", "-n");
        var fstat = await TaggedAsync("fstat", "-Ru", "//depot/rel/...");

        Assert.Equal(
            [
                new P4Conflict($"{Workspace}/rel/conflict.c", "//depot/main/conflict.c", P4Conflict.TextConflict),
                new P4Conflict($"{Workspace}/rel/logo.bin", "//depot/main/logo.bin", P4Conflict.Binary),
            ],
            P4Parsers.ResolvePreview(preview).Pending);
        Assert.Equal(["//depot/rel/conflict.c", "//depot/rel/logo.bin"], P4Parsers.Fstat(fstat).Unresolved);
    }

    [Fact]
    public async Task TextForm_DemoIntegrateAndResolve_SameConclusionsAsTagged()
    {
        await InitDemoAsync();

        var integrate = await TextAsync("integrate", "-b", "main-rel");
        var resolve = await TextAsync("resolve", "-am");
        var preview = await TextAsync("resolve", "-n");

        Assert.Equal(3, P4Parsers.Integrate(integrate).Files.Count);
        Assert.Equal(["//demo-ws/rel/clean.c"], P4Parsers.Resolve(resolve).Resolved.Select(f => f.Path));
        Assert.Contains($"{Workspace}/rel/logo.bin - vs //depot/main/logo.bin#2", resolve.Messages.Select(m => m.Text));
        Assert.Equal(
            [(Workspace + "/rel/conflict.c", P4Conflict.TextConflict), (Workspace + "/rel/logo.bin", P4Conflict.Binary)],
            P4Parsers.ResolvePreview(preview).Pending.Select(p => (p.File, p.Reason)));
    }

    private async Task InitDemoAsync()
    {
        Assert.True(File.Exists(Launcher), $"No simulator launcher at {Launcher}: build src/P4Sim first.");
        var result = await _runner.RunAsync(new CommandRequest("init", null, [Launcher, "init-demo", Demo], new Dictionary<string, string>(), Deadline), CancellationToken.None);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    /// <summary>What the pipeline runs: P4Client adds -ztag -Mj, the port, the user and the job's client.</summary>
    private Task<P4Output> TaggedAsync(params string[] command) => _p4.RunAsync(_job, null, NoWaits.Instance, command, null, CancellationToken.None);

    private async Task<P4Output> TextAsync(params string[] command)
    {
        string[] args = [Launcher, "-p", Demo, "-u", "demo", "-c", "demo-ws", .. command];
        var env = new Dictionary<string, string> { ["P4CONFIG"] = "" };
        return P4Output.Parse(await _runner.RunAsync(new CommandRequest("text", null, args, env, Deadline), CancellationToken.None));
    }
}
