using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P4Flow.Branches.Graph;
using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;

namespace P4Flow.Branches.Tests;

/// <summary>The bot's passes on a ledger in SQLite (in memory), with the server and the jobs played by the test.</summary>
public sealed class BranchWatcherTests : IAsyncLifetime
{
    private readonly Server _server = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = await BotServices.StartAsync(_server, new NoJobs(), new BranchGraph(
            [new BranchNode("main", "//depot/main/..."), new BranchNode("rel", "//depot/rel/...")], [new BranchEdge("main", "rel")]));
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Run_AskedAgainWhileAPassRuns_NeverOverlaps_TheRunningOneDoesOneMorePass()
    {
        var watcher = _services.GetRequiredService<BranchWatcher>();
        _server.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = watcher.RunAsync(CancellationToken.None);
        await _server.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Asked twice while the first waits on the server: both left to it, at once.
        Assert.Equal(0, await watcher.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await watcher.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, _server.Calls);

        _server.Hold.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(30));

        // Its own pass and one more for the requests: never two at once.
        Assert.Equal(2, _server.Calls);
        Assert.Equal(1, _server.MostAtOnce);
    }

    private sealed class Server : IBranchServer
    {
        private int _inside;
        public TaskCompletionSource? Hold { get; set; }
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Calls { get; private set; }
        public int MostAtOnce { get; private set; }

        public async Task<IReadOnlyList<SubmittedChange>> ChangesAsync(string? server, string path, int? after, CancellationToken cancellationToken)
        {
            MostAtOnce = Math.Max(MostAtOnce, Interlocked.Increment(ref _inside));
            Calls++;
            Entered.TrySetResult();
            if (Hold is { } hold) await hold.Task.ConfigureAwait(false);
            Interlocked.Decrement(ref _inside);
            return [];
        }

        public Task<IReadOnlyList<string>> FilesAsync(string? server, int change, int max, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

        // Always something past the cursor somewhere on the server: every pass looks at the source.
        public Task<int> NewestAsync(string? server, CancellationToken cancellationToken) => Task.FromResult(Calls + 1);

        public Task<int> CounterAsync(string? server, string name, CancellationToken cancellationToken) => Task.FromResult(0);

        public string NameOf(string? server) => server ?? "default";

        public void PassEnded()
        {
        }
    }

    private sealed class NoJobs : IBranchJobs
    {
        public Task<string> StartAsync(BranchEdge edge, BranchNode source, BranchNode target, EdgeChange change, CancellationToken cancellationToken) => Task.FromResult("job-" + change.Change);

        public Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult(new JobState(false, null));
    }
}

/// <summary>An edge gated by a URL starts only what the URL marks good, and nothing while the URL cannot be read.</summary>
public sealed class UrlGatedWatcherTests : IAsyncLifetime
{
    private readonly Gate _gate = new();
    private readonly StartedJobs _jobs = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = await BotServices.StartAsync(new ThreeChanges(), _jobs, _gate, new BranchGraph(
            [new BranchNode("main", "//depot/main/..."), new BranchNode("rel", "//depot/rel/...")],
            [new BranchEdge("main", "rel", Gate: new EdgeGate(Url: "https://ci.example.com/last-good"))]));
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Dispatch_GateUnreadable_StartsNothing_ThenOnlyUpToWhatItMarksGood()
    {
        var watcher = _services.GetRequiredService<BranchWatcher>();
        ThreeChanges.Started = false;
        await watcher.RunAsync(CancellationToken.None); // starts watching at the newest change (10)
        ThreeChanges.Started = true;                    // 11, 12 and 13 are submitted

        _gate.Answer = null;
        await watcher.RunAsync(CancellationToken.None);
        Assert.Empty(_jobs.Started);

        _gate.Answer = 12;
        for (var pass = 0; pass < 5; pass++) await watcher.RunAsync(CancellationToken.None);
        Assert.Equal([11, 12], _jobs.Started);
        Assert.Equal("https://ci.example.com/last-good", _gate.Asked?.ToString());
    }

    private sealed class Gate : IUrlGate
    {
        public int? Answer { get; set; }
        public Uri? Asked { get; private set; }

        public Task<int> LastGoodAsync(Uri url, CancellationToken cancellationToken)
        {
            Asked = url;
            return Answer is { } n ? Task.FromResult(n) : throw new UrlGateException($"{url} answered 503 Service Unavailable");
        }
    }

    private sealed class ThreeChanges : IBranchServer
    {
        public static bool Started { get; set; }

        public Task<IReadOnlyList<SubmittedChange>> ChangesAsync(string? server, string path, int? after, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SubmittedChange>>(after is null || !Started
                ? [new SubmittedChange(10, "alice", "Before")]
                : [.. new[] { 11, 12, 13 }.Where(n => n > after).Select(n => new SubmittedChange(n, "alice", $"Change {n}"))]);

        public Task<IReadOnlyList<string>> FilesAsync(string? server, int change, int max, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([$"//depot/main/f{change}.txt"]);

        public Task<int> NewestAsync(string? server, CancellationToken cancellationToken) => Task.FromResult(Started ? 13 : 10);

        public Task<int> CounterAsync(string? server, string name, CancellationToken cancellationToken) => Task.FromResult(0);

        public string NameOf(string? server) => server ?? "default";

        public void PassEnded()
        {
        }
    }

}

/// <summary>An idle pass asks each server once for its newest change, and no source at all while nothing is new.</summary>
public sealed class IdlePollTests : IAsyncLifetime
{
    private readonly Counting _server = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = await BotServices.StartAsync(_server, new EndAtOnce(), new BranchGraph(
            [new BranchNode("main", "//depot/main/..."), new BranchNode("rel", "//depot/rel/..."), new BranchNode("dev", "//depot/dev/...")],
            [new BranchEdge("main", "rel"), new BranchEdge("dev", "rel")]));
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Pass_NothingNewOnTheServer_PollsNoSource_ANewChangeIsStillSeen()
    {
        var watcher = _services.GetRequiredService<BranchWatcher>();
        _server.Submit("//depot/main/...", 5);
        _server.Submit("//depot/dev/...", 7);
        await watcher.RunAsync(CancellationToken.None); // both edges start watching
        await watcher.RunAsync(CancellationToken.None); // main -> rel's cursor (5) moves to the server's newest (7)
        var polled = _server.SourcePolls;

        for (var i = 0; i < 3; i++) await watcher.RunAsync(CancellationToken.None);
        Assert.Equal(polled, _server.SourcePolls);

        _server.Submit("//depot/main/...", 9);
        Assert.Equal(1, await watcher.RunAsync(CancellationToken.None));
        var ledger = _services.GetRequiredService<BranchLedger>();
        Assert.Equal([9], (await ledger.ListAsync("main -> rel", null, 10, CancellationToken.None)).Select(c => c.Change));
        Assert.Empty(await ledger.ListAsync("dev -> rel", null, 10, CancellationToken.None));
    }

    private sealed class Counting : IBranchServer
    {
        private readonly List<(string Path, int Number)> _submitted = [];

        public int SourcePolls { get; private set; }

        public void Submit(string path, int number) => _submitted.Add((path, number));

        public Task<int> NewestAsync(string? server, CancellationToken cancellationToken) => Task.FromResult(_submitted.Max(s => s.Number));

        public Task<IReadOnlyList<SubmittedChange>> ChangesAsync(string? server, string path, int? after, CancellationToken cancellationToken)
        {
            var mine = _submitted.Where(s => s.Path == path).Select(s => new SubmittedChange(s.Number, "alice", $"Change {s.Number}")).ToList();
            if (after is null) return Task.FromResult<IReadOnlyList<SubmittedChange>>(mine.Count == 0 ? [] : [mine[^1]]);
            SourcePolls++;
            return Task.FromResult<IReadOnlyList<SubmittedChange>>([.. mine.Where(c => c.Number > after)]);
        }

        public Task<IReadOnlyList<string>> FilesAsync(string? server, int change, int max, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([$"//depot/main/f{change}.txt"]);

        public Task<int> CounterAsync(string? server, string name, CancellationToken cancellationToken) => Task.FromResult(0);

        public string NameOf(string? server) => server ?? "default";

        public void PassEnded()
        {
        }
    }

    private sealed class EndAtOnce : IBranchJobs
    {
        public Task<string> StartAsync(BranchEdge edge, BranchNode source, BranchNode target, EdgeChange change, CancellationToken cancellationToken) => Task.FromResult("job-" + change.Change);

        public Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult(new JobState(false, new JobOutcome(true, 100, "submitted")));
    }
}

/// <summary>
/// An edge with more open changes holding their lanes than a pass reads at once still integrates the pending changes
/// after them, and a pending change behind a parked one's file on a later page still waits.
/// </summary>
public sealed class LongQueueTests : IAsyncLifetime
{
    private readonly StartedJobs _jobs = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = await BotServices.StartAsync(new Quiet(), _jobs, new BranchGraph(
            [new BranchNode("main", "//depot/main/..."), new BranchNode("rel", "//depot/rel/...")],
            [new BranchEdge("main", "rel")]));
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Dispatch_MoreParkedChangesThanAPage_ThePendingOnesAfterThemStillFlowInFileOrder()
    {
        var ledger = _services.GetRequiredService<BranchLedger>();
        var parked = BranchWatcher.PageSize + 5;
        // Changes 1..parked each parked on a file of its own; then one on a file of its own and one on parked change 3's file.
        var changes = Enumerable.Range(1, parked).Select(n => (new SubmittedChange(n, "alice", $"Change {n}"), ChangeStatus.Pending, (string?)null, (IReadOnlyList<string>?)[$"//depot/main/f{n}.txt"])).ToList();
        changes.Add((new SubmittedChange(parked + 1, "bob", "Free"), ChangeStatus.Pending, null, ["//depot/main/free.txt"]));
        changes.Add((new SubmittedChange(parked + 2, "bob", "Behind 3"), ChangeStatus.Pending, null, ["//depot/main/f3.txt"]));
        await ledger.RecordAsync("main -> rel", "default", parked + 2, changes, CancellationToken.None);
        for (var n = 1; n <= parked; n++)
            Assert.True(await ledger.MoveAsync("main -> rel", n, ChangeStatus.Pending, ChangeStatus.NeedsResolve, $"job-{n}", null, "parked", CancellationToken.None));

        var watcher = _services.GetRequiredService<BranchWatcher>();
        await watcher.RunAsync(CancellationToken.None);
        await watcher.RunAsync(CancellationToken.None);

        Assert.Equal([parked + 1], _jobs.Started);
        var open = await ledger.ListAsync("main -> rel", [ChangeStatus.Pending], 10, CancellationToken.None);
        Assert.Equal([parked + 2], open.Select(c => c.Change));
    }

    /// <summary>Nothing new is ever submitted: the edge starts watching at its cursor.</summary>
    private sealed class Quiet : IBranchServer
    {
        public Task<int> NewestAsync(string? server, CancellationToken cancellationToken) => Task.FromResult(BranchWatcher.PageSize + 7);

        public Task<IReadOnlyList<SubmittedChange>> ChangesAsync(string? server, string path, int? after, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SubmittedChange>>([]);

        public Task<IReadOnlyList<string>> FilesAsync(string? server, int change, int max, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public Task<int> CounterAsync(string? server, string name, CancellationToken cancellationToken) => Task.FromResult(0);

        public string NameOf(string? server) => server ?? "default";

        public void PassEnded()
        {
        }
    }

}

/// <summary>No graph context: the tests' edges name no server.</summary>
internal sealed class AnyGraphContext : IBranchGraphContext
{
    public Task<GraphContext> GetAsync(CancellationToken cancellationToken) => Task.FromResult(new GraphContext());
}

/// <summary>Jobs the watcher started end submitted as soon as they are asked about, so the edge's next change may start; any other job (one a test parked) stays parked.</summary>
internal sealed class StartedJobs : IBranchJobs
{
    public List<int> Started { get; } = [];

    public Task<string> StartAsync(BranchEdge edge, BranchNode source, BranchNode target, EdgeChange change, CancellationToken cancellationToken)
    {
        Started.Add(change.Change);
        return Task.FromResult("job-" + change.Change);
    }

    public Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(Started.Any(n => jobId == "job-" + n) ? new JobState(false, new JobOutcome(true, 100, "submitted")) : new JobState(true, null));
}

/// <summary>The bot on a ledger in SQLite in memory, with the server, the jobs and the gate the test plays, and its graph saved.</summary>
internal static class BotServices
{
    public static Task<ServiceProvider> StartAsync(IBranchServer server, IBranchJobs jobs, BranchGraph graph) => StartAsync(server, jobs, null, graph);

    public static async Task<ServiceProvider> StartAsync(IBranchServer server, IBranchJobs jobs, IUrlGate? gate, BranchGraph graph)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (gate is not null) services.AddSingleton(gate);
        services.AddBranches(sqlitePath: null);
        services.AddSingleton<IBranchGraphContext>(new AnyGraphContext());
        services.AddSingleton(server);
        services.AddSingleton(jobs);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IBranchGraphStore>().InitializeAsync(CancellationToken.None);
        await provider.GetRequiredService<BranchGraphService>().SaveAsync(graph, null, "test", CancellationToken.None);
        return provider;
    }
}
