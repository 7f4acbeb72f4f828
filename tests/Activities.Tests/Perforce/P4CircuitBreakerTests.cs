using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Tests.Support;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Tests.Perforce;

/// <summary>
/// The per-server circuit breakers with the real runner and two real simulated servers (two P4PORTs), one made
/// unreachable by the simulator's fault: its circuit opens, the other's does not, and it closes once the server is back.
/// </summary>
public sealed class P4CircuitBreakerTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "p4flow-breakers-" + Guid.NewGuid().ToString("N"));
    private readonly CountingRunner _runner;
    private readonly Transitions _transitions = new();
    private readonly P4Client _p4;

    public P4CircuitBreakerTests()
    {
        _runner = new CountingRunner(new LocalCommandRunner(Options.Create(new LocalRunnerOptions { WorkspaceRoot = Path.Combine(_folder, "jobs") })));
        var options = new PerforceOptions { Executable = Launcher, ClientPrefix = "demo-", DefaultTimeout = (int)Deadline.TotalSeconds, DefaultServer = "down" };
        options.Servers["down"] = new() { Port = Down, User = "demo" };
        options.Servers["up"] = new() { Port = Up, User = "demo" };
        // The break outlasts the few steps that check the open circuit, however slow a busy machine runs them.
        options.CircuitBreaker = new P4CircuitBreakerOptions { FailureRatio = 1, MinimumThroughput = 2, SamplingDuration = 60, BreakDuration = 5 };
        _p4 = Clients.P4(_runner, options, _transitions);
    }

    private static string Launcher { get; } =
        typeof(P4CircuitBreakerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "P4SimLauncher").Value!;

    private string Down => Path.Combine(_folder, "down");

    private string Up => Path.Combine(_folder, "up");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task RunAsync_OneServerUnreachable_ItsCircuitOpensWithoutSendingTheOtherServerStillServedThenClosesWhenBack()
    {
        await InitDemoAsync(Down);
        await InitDemoAsync(Up);
        await File.WriteAllTextAsync(Path.Combine(Down, "faults.json"), """[{"kind":"unreachable"}]""");

        // Two network errors in the window open the down server's circuit.
        Assert.Equal(P4ErrorClass.NetworkError, P4ErrorClass.Classify(await ChangesAsync(Down)));
        Assert.Equal(P4ErrorClass.NetworkError, P4ErrorClass.Classify(await ChangesAsync(Down)));
        var sent = _runner.Count;
        var refused = await Assert.ThrowsAsync<P4CircuitOpenException>(() => ChangesAsync(Down));

        Assert.Equal(sent, _runner.Count);
        Assert.Equal(P4ErrorClass.NetworkError, refused.ErrorClass);
        Assert.Contains($"Perforce server {Down}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("circuit is open until", refused.Message, StringComparison.Ordinal);
        Assert.Equal([(Down, true)], _transitions.Seen);
        // The other server is not affected: its commands are sent and answered.
        var other = await ChangesAsync(Up);
        Assert.False(other.Failed, other.Text);
        Assert.Equal(sent + 1, _runner.Count);

        // Back, and the break over: the trial command goes through and closes the circuit.
        File.Delete(Path.Combine(Down, "faults.json"));
        var trial = await TrialAsync();
        Assert.False(trial.Failed, trial.Text);
        Assert.Equal([(Down, true), (Down, false)], _transitions.Seen);
    }

    /// <summary>The first command to the down server that its circuit lets through: refused ones are not sent, and change nothing.</summary>
    private async Task<P4Output> TrialAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await ChangesAsync(Down);
            }
            catch (P4CircuitOpenException) when (waited.Elapsed < Deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private Task<P4Output> ChangesAsync(string server) =>
        _p4.RunAsync(new WorkflowInstance { Id = "ws", Input = new JsonObject { [P4Client.ServerInput] = server == Down ? "down" : "up" } }, null, NoWaits.Instance, ["changes", "-m", "1"], null, CancellationToken.None);

    private async Task InitDemoAsync(string root)
    {
        Assert.True(File.Exists(Launcher), $"No simulator launcher at {Launcher}: build src/P4Sim first.");
        var result = await _runner.RunAsync(new CommandRequest("init", null, [Launcher, "init-demo", root], new Dictionary<string, string>(), Deadline), CancellationToken.None);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    /// <summary>The real runner, counting the processes it was asked to start.</summary>
    private sealed class CountingRunner(ICommandDispatcher inner) : ICommandDispatcher
    {
        private int _count;

        public int Count => _count;

        public Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return inner.RunAsync(request, cancellationToken);
        }
    }

    private sealed class Transitions : IP4CircuitObserver
    {
        public List<(string Server, bool Open)> Seen { get; } = [];

        public void CircuitChanged(string server, bool open)
        {
            lock (Seen) Seen.Add((server, open));
        }
    }
}
