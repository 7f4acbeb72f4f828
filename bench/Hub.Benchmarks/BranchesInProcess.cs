using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P4Flow.Branches;
using P4Flow.Branches.Graph;
using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// The integration bot in this process: the real <see cref="BranchWatcher"/> and <see cref="BranchLedger"/> on a SQLite
/// file in a temp folder (WAL, as the orchestrator's database is), a graph of EDGES edges sNNN -> tNNN, an in-memory
/// server that answers at once, and jobs played by the benchmark (or, for the parked ones, read from the engine's real
/// store through the orchestrator's own WorkflowBranchJobs). Logging goes nowhere.
/// </summary>
internal sealed class BranchesInProcess : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private BranchesInProcess(string folder, ServiceProvider services, MemoryServer server, TimedJobs jobs, int edges)
    {
        Folder = folder;
        _services = services;
        Server = server;
        Jobs = jobs;
        Edges = edges;
    }

    public string Folder { get; }
    public MemoryServer Server { get; }
    public TimedJobs Jobs { get; }
    public int Edges { get; }
    public string Database => Path.Combine(Folder, "p4flow.db");
    public BranchWatcher Watcher => _services.GetRequiredService<BranchWatcher>();
    public BranchLedger Ledger => _services.GetRequiredService<BranchLedger>();
    public IWorkflowStore? EngineStore => _services.GetService<IWorkflowStore>();
    /// <summary>Which IBranchJobs answers StateAsync: "fake", or the orchestrator's WorkflowBranchJobs on the engine's store.</summary>
    public string JobsKind => Jobs.Kind;

    public static string SourceName(int edge) => $"s{edge:D3}";
    public static string TargetName(int edge) => $"t{edge:D3}";
    public static string SourcePath(int edge) => $"//depot/{SourceName(edge)}/...";
    public static string EdgeId(int edge) => BranchEdge.IdOf(SourceName(edge), TargetName(edge));

    /// <param name="jobs">The jobs' behaviour when <paramref name="engineStore"/> is false.</param>
    /// <param name="engineStore">Jobs are the orchestrator's WorkflowBranchJobs on the engine's SQLite store (same file).</param>
    public static async Task<BranchesInProcess> CreateAsync(int edges, IBranchJobs? jobs, bool engineStore)
    {
        var folder = Path.Combine(Path.GetTempPath(), "p4flow-bench-branches-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "p4flow.db");
        var server = new MemoryServer();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        // The options the bot binds (branches:, the engine's): their defaults.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        if (engineStore)
        {
            services.AddWorkflowEngine();
            services.AddSqliteWorkflowStore(database);
        }
        services.AddBranches(database);
        services.AddSingleton<IBranchGraphContext, AnyContext>();
        services.AddSingleton<IBranchServer>(server);
        TimedJobs? timed = null;
        services.AddSingleton<IBranchJobs>(sp => timed = engineStore ? new TimedJobs(WorkflowJobs(sp), "WorkflowBranchJobs on the engine's SQLite store") : new TimedJobs(jobs!, "fake"));
        var provider = services.BuildServiceProvider();
        try
        {
            if (engineStore)
            {
                // As the orchestrator starts: the engine makes the database (WAL), then the bot's tables go beside its own.
                await provider.GetRequiredService<IWorkflowStore>().InitializeAsync(CancellationToken.None);
            }
            else
            {
                await using var db = new SqliteConnection($"Data Source={database}");
                await db.OpenAsync();
                await using var wal = db.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                await wal.ExecuteNonQueryAsync();
            }
            await provider.GetRequiredService<IBranchGraphStore>().InitializeAsync(CancellationToken.None);
            var nodes = Enumerable.Range(0, edges).SelectMany(e => new[] { new BranchNode(SourceName(e), SourcePath(e)), new BranchNode(TargetName(e), $"//depot/{TargetName(e)}/...") }).ToList();
            await provider.GetRequiredService<BranchGraphService>().SaveAsync(
                new BranchGraph(nodes, [.. Enumerable.Range(0, edges).Select(e => new BranchEdge(SourceName(e), TargetName(e)))]), null, "bench", CancellationToken.None);
            _ = provider.GetRequiredService<IBranchJobs>();
            return new BranchesInProcess(folder, provider, server, timed!, edges);
        }
        catch
        {
            await provider.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>The orchestrator's own IBranchJobs (internal there): its StateAsync reads the job from the engine's store.</summary>
    private static IBranchJobs WorkflowJobs(IServiceProvider services)
    {
        var type = typeof(P4Flow.Orchestrator.Branches.BranchesExtensions).Assembly.GetType("P4Flow.Orchestrator.Branches.WorkflowBranchJobs", throwOnError: true)!;
        return (IBranchJobs)ActivatorUtilities.CreateInstance(services, type);
    }

    /// <summary>One pass of the bot, timed: wall and this process's CPU.</summary>
    public async Task<(TimeSpan Wall, TimeSpan Cpu, int Recorded)> PassAsync()
    {
        var cpu = Cpu();
        var wall = Stopwatch.StartNew();
        var recorded = await Watcher.RunAsync(CancellationToken.None);
        return (wall.Elapsed, Cpu() - cpu, recorded);
    }

    public static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>How many of the ledger's changes are in each status.</summary>
    public async Task<Dictionary<string, int>> StatusesAsync()
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<BranchDbContext>>().CreateDbContextAsync();
        return await db.Changes.GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal);
    }

    /// <summary>
    /// The ledger as the bot leaves it once every change of every edge has parked: PER_EDGE changes per edge in
    /// needs_resolve, each with its job id, the cursor past the last. Written straight to the bot's tables (parking
    /// 10,000 changes through the bot takes one pass per change of an edge).
    /// </summary>
    /// <returns>Each change seeded: its edge, number and job id.</returns>
    public async Task<List<(int Edge, int Change, string JobId)>> SeedParkedAsync(int perEdge)
    {
        var seeded = new List<(int, int, string)>();
        var factory = _services.GetRequiredService<IDbContextFactory<BranchDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        for (var e = 0; e < Edges; e++)
        {
            var changes = Server.Seed(e, perEdge);
            db.Cursors.Add(new EdgeCursorRow { EdgeId = EdgeId(e), LastChange = changes[^1].Number, UpdatedAt = now });
            foreach (var change in changes)
            {
                db.Changes.Add(new EdgeChangeRow
                {
                    EdgeId = EdgeId(e), Change = change.Number, Server = Server.NameOf(null), User = change.User, Description = change.Description,
                    Files = string.Join('\n', Server.FilesOf(change.Number)), Status = ChangeStatus.NeedsResolve, JobId = JobIdOf(e, change.Number),
                    Reason = "its job waits for a person to resolve conflicts", RecordedAt = now, UpdatedAt = now,
                });
            }
        }
        await db.SaveChangesAsync();
        return seeded;

        string JobIdOf(int edge, int change)
        {
            var id = Guid.NewGuid().ToString("N");
            seeded.Add((edge, change, id));
            return id;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned some other day.
        }
    }

    /// <summary>
    /// A depot whose every source is its own branch: answers changes, files and counters at once. Change numbers run
    /// across all sources as on one server, interleaved (change 1 on s000, 2 on s001, ...).
    /// </summary>
    internal sealed class MemoryServer : IBranchServer
    {
        public const int FilesPerChange = 2;
        private readonly ConcurrentDictionary<string, List<SubmittedChange>> _bySource = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<int, int> _edgeOf = new();
        private int _last;

        /// <summary>Submits <paramref name="perEdge"/> changes on every one of <paramref name="edges"/> sources, round robin.</summary>
        public void SubmitRoundRobin(int edges, int perEdge)
        {
            for (var i = 0; i < perEdge; i++)
                for (var e = 0; e < edges; e++) Submit(e);
        }

        /// <summary><paramref name="perEdge"/> changes on one source (for a ledger seeded directly).</summary>
        public List<SubmittedChange> Seed(int edge, int perEdge) => [.. Enumerable.Range(0, perEdge).Select(_ => Submit(edge))];

        private SubmittedChange Submit(int edge)
        {
            var number = Interlocked.Increment(ref _last);
            var change = new SubmittedChange(number, $"dev{edge % 7}", $"Fix {number} on {SourceName(edge)}\n\nA line or two of what it does, as people write them.");
            _bySource.GetOrAdd(SourcePath(edge), _ => []).Add(change);
            _edgeOf[number] = edge;
            return change;
        }

        public IReadOnlyList<string> FilesOf(int change) =>
            [.. Enumerable.Range(0, FilesPerChange).Select(f => $"//depot/{SourceName(_edgeOf[change])}/src/file{change}-{f}.cpp")];

        public Task<IReadOnlyList<SubmittedChange>> ChangesAsync(string? server, string path, int? after, CancellationToken cancellationToken)
        {
            var all = _bySource.TryGetValue(path, out var list) ? list : [];
            IReadOnlyList<SubmittedChange> answer = after is { } cursor ? [.. all.Where(c => c.Number > cursor)] : all.Count == 0 ? [] : [all[^1]];
            return Task.FromResult(answer);
        }

        public Task<IReadOnlyList<string>> FilesAsync(string? server, int change, int max, CancellationToken cancellationToken) => Task.FromResult(FilesOf(change));

        public Task<int> NewestAsync(string? server, CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _last));

        public Task<int> CounterAsync(string? server, string name, CancellationToken cancellationToken) => Task.FromResult(0);

        public string NameOf(string? server) => server ?? "bench";

        public void PassEnded()
        {
        }
    }

    /// <summary>Jobs that end, submitted, the first time they are asked after their start.</summary>
    internal sealed class EndingJobs : IBranchJobs
    {
        private int _started;
        private int _ended;

        public int Started => Volatile.Read(ref _started);
        public int Ended => Volatile.Read(ref _ended);

        public Task<string> StartAsync(BranchEdge edge, BranchNode source, BranchNode target, EdgeChange change, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            return Task.FromResult(change.Change.ToString(CultureInfo.InvariantCulture));
        }

        public Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _ended);
            // The change it submitted on the target: the source change's number, shifted.
            return Task.FromResult(new JobState(false, new JobOutcome(true, 1_000_000 + int.Parse(jobId, CultureInfo.InvariantCulture), "submitted")));
        }
    }

    /// <summary>Jobs that stay parked in NEEDS_RESOLVE.</summary>
    internal sealed class ParkedJobs : IBranchJobs
    {
        public Task<string> StartAsync(BranchEdge edge, BranchNode source, BranchNode target, EdgeChange change, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("nothing may start while every change is parked");

        public Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult(new JobState(true, null));
    }

    /// <summary>Times the bot's calls to its jobs (StateAsync is called for every integrating or parked change on every pass).</summary>
    internal sealed class TimedJobs(IBranchJobs inner, string kind) : IBranchJobs
    {
        private long _stateCalls;
        private long _stateTicks;

        public string Kind => kind;
        public long StateCalls => Interlocked.Read(ref _stateCalls);
        public TimeSpan StateTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _stateTicks));

        public Task<string> StartAsync(BranchEdge edge, BranchNode source, BranchNode target, EdgeChange change, CancellationToken cancellationToken) =>
            inner.StartAsync(edge, source, target, change, cancellationToken);

        public async Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                return await inner.StateAsync(jobId, cancellationToken);
            }
            finally
            {
                Interlocked.Increment(ref _stateCalls);
                Interlocked.Add(ref _stateTicks, Stopwatch.GetTimestamp() - start);
            }
        }
    }

    private sealed class AnyContext : IBranchGraphContext
    {
        public Task<GraphContext> GetAsync(CancellationToken cancellationToken) => Task.FromResult(new GraphContext());
    }

    /// <summary>
    /// A p4-integrate job parked in NEEDS_RESOLVE as the engine stores it: the bot's input, the outputs of the activities
    /// before the wait (workspace, sync, integrate, two resolve passes over the change's files, one left in conflict),
    /// its stage history and its resolve bookmark; <paramref name="padBytes"/> more in the integrate output's file list
    /// for a bigger change.
    /// </summary>
    public static WorkflowInstance ParkedInstance(string id, int edge, int change, IReadOnlyList<string> files, DateTime at, int padBytes)
    {
        JsonArray Files(string action) => [.. files.Select(f => (JsonNode)new JsonObject
        {
            ["depotFile"] = f.Replace(SourceName(edge), TargetName(edge), StringComparison.Ordinal), ["fromFile"] = f, ["action"] = action, ["startFromRev"] = "#3", ["endFromRev"] = "#4",
        })];
        var integrated = Files("integrate");
        for (var i = 0; padBytes > 0; i++)
        {
            var extra = new JsonObject { ["depotFile"] = $"//depot/{TargetName(edge)}/more/file{i}.cpp", ["fromFile"] = $"//depot/{SourceName(edge)}/more/file{i}.cpp", ["action"] = "integrate", ["startFromRev"] = "#1", ["endFromRev"] = "#2" };
            padBytes -= extra.ToJsonString().Length;
            integrated.Add(extra);
        }
        var client = "p4flow-" + id;
        var instance = new WorkflowInstance
        {
            Id = id,
            DefinitionId = "p4-integrate",
            DefinitionVersion = 1,
            Name = "Integrate",
            Status = WorkflowStatus.Suspended,
            CurrentStage = "NEEDS_RESOLVE",
            StartedBy = "p4flow-bot",
            Input = new JsonObject
            {
                ["source"] = SourcePath(edge), ["target"] = $"//depot/{TargetName(edge)}/...", ["changes"] = change.ToString(CultureInfo.InvariantCulture),
                ["description"] = $"Integrate CL {change} by dev{edge % 7} from {SourceName(edge)} to {TargetName(edge)}: Fix {change} on {SourceName(edge)}",
            },
            Variables = new JsonObject { ["client"] = client, ["pendingChange"] = 500_000 + change, ["attempt"] = 1 },
            Outputs = new JsonObject
            {
                ["start"] = new JsonObject(),
                ["workspace"] = new JsonObject { ["client"] = client, ["root"] = $"/var/lib/p4flow-agent/ws/{id}", ["stream"] = null, ["view"] = new JsonArray($"//depot/{TargetName(edge)}/... //{client}/..."), ["agent"] = "builder-1" },
                ["sync"] = new JsonObject { ["files"] = 1240, ["bytes"] = 48_000_000L, ["virtual"] = true, ["change"] = change },
                ["integrate"] = new JsonObject { ["files"] = integrated, ["count"] = integrated.Count, ["change"] = 500_000 + change },
                ["pass1"] = new JsonObject { ["resolved"] = Files("merge"), ["conflicts"] = new JsonArray(files.Take(1).Select(f => (JsonNode?)f).ToArray()), ["mode"] = "am" },
                ["pass2"] = new JsonObject { ["resolved"] = new JsonArray(), ["conflicts"] = new JsonArray(files.Take(1).Select(f => (JsonNode?)f).ToArray()), ["mode"] = "as" },
            },
            Scheduler = new SchedulerState { Queue = [], Runs = new Dictionary<string, int> { ["start"] = 1, ["workspace"] = 1, ["sync"] = 1, ["integrate"] = 1, ["pass1"] = 1, ["pass2"] = 1, ["needsResolve"] = 1 } },
            StageHistory =
            [
                new StageChange("QUEUED", at.AddSeconds(-9)), new StageChange("WORKSPACE", at.AddSeconds(-8)), new StageChange("SYNC", at.AddSeconds(-7)),
                new StageChange("INTEGRATE", at.AddSeconds(-4)), new StageChange("RESOLVE", at.AddSeconds(-2)), new StageChange("NEEDS_RESOLVE", at, "1 file in conflict"),
            ],
            ExecutionSequence = 7,
            CreatedAt = at.AddSeconds(-10),
            UpdatedAt = at,
        };
        instance.Bookmarks.Add(new Bookmark
        {
            Id = Guid.NewGuid().ToString("N"), Hash = Bookmark.ComputeHash(id, "resolve"), InstanceId = id, ActivityId = "needsResolve", ActivityType = "WaitForResolve",
            Name = "resolve", ExecutionId = Guid.NewGuid().ToString("N"), Dispatch = BookmarkDispatch.External, CreatedAt = at,
            Payload = new JsonObject { ["client"] = client, ["change"] = 500_000 + change, ["files"] = new JsonArray(files.Take(1).Select(f => (JsonNode?)f).ToArray()) },
        });
        return instance;
    }
}
