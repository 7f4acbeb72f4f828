using Microsoft.Extensions.Logging;
using P4Flow.Branches.Graph;
using P4Flow.Branches.Store;

namespace P4Flow.Branches.Watch;

/// <summary>
/// The integration bot's loop. Poll: for each edge, the source's submitted changes after the edge's cursor are recorded
/// with the files they touched (the cursor moves with them); an edge seen for the first time starts at the source's
/// newest change, so only what is submitted from then on flows. Dispatch: each edge runs one job at a time, in
/// changelist order, past the changes parked for a person unless they share files (see DispatchAsync), inside the
/// edge's window and up to its gate's counter. What an edge does with each change is <see cref="ChangeRules"/>'.
/// </summary>
public sealed partial class BranchWatcher(BranchGraphService graphs, BranchLedger ledger, IBranchServer server, IBranchJobs jobs, BranchJobMoves moves, IUrlGate urlGate, IEnumerable<IBranchObserver> observers, TimeProvider clock, ILogger<BranchWatcher> logger)
{
    private readonly Lock _gate = new();
    private bool _running;
    private bool _again;

    /// <summary>When the last pass ended (null before the first): how fresh what the API shows is.</summary>
    public DateTimeOffset? LastPass { get; private set; }

    /// <summary>
    /// One pass: poll every edge that is not paused, then start what may start. Passes never overlap, and never queue
    /// up behind one another (a pass can wait minutes for an agent): one asked for while another runs is run by that
    /// one, once more, when it is done.
    /// </summary>
    /// <returns>How many changes were recorded (0 when the pass was left to the one running).</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_running)
            {
                _again = true;
                return 0;
            }
            _running = true;
        }
        var recorded = 0;
        try
        {
            for (var pass = 0; ; pass++)
            {
                try
                {
                    recorded += await PassAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    server.PassEnded();
                }
                lock (_gate)
                {
                    if (!_again || pass >= MaxPassesInARow)
                    {
                        _running = false;
                        _again = false;
                        return recorded;
                    }
                    _again = false;
                }
            }
        }
        catch
        {
            lock (_gate)
            {
                _running = false;
                _again = false;
            }
            throw;
        }
    }

    /// <summary>Passes one run makes for requests that came while it ran; the recurring pass picks up after that.</summary>
    private const int MaxPassesInARow = 10;

    /// <summary>How often a pass asks about every parked change's job, not only those noted as moved.</summary>
    private static readonly TimeSpan FullLookEvery = TimeSpan.FromMinutes(10);

    private DateTimeOffset? _fullLookAt;

    private async Task<int> PassAsync(CancellationToken cancellationToken)
    {
        var graph = (await graphs.GetAsync(cancellationToken).ConfigureAwait(false)).Graph;
        var recorded = 0;
        var newest = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var edge in graph.Edges.Where(e => !e.Paused))
            recorded += await PollAsync(graph, edge, newest, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var fullLook = _fullLookAt is not { } last || now - last >= FullLookEvery;
        if (fullLook) _fullLookAt = now;
        foreach (var edge in graph.Edges.Where(e => !e.Paused))
            await DispatchAsync(graph, edge, fullLook, cancellationToken).ConfigureAwait(false);
        LastPass = clock.GetUtcNow();
        return recorded;
    }

    /// <param name="newest">Each server's newest submitted change, asked once a pass before any source is polled: an edge
    /// whose cursor is there already has nothing new, and one that finds nothing new moves its cursor there (a change
    /// submitted later is numbered after it), so an idle pass costs one command per server, not one per edge.</param>
    private async Task<int> PollAsync(BranchGraph graph, BranchEdge edge, Dictionary<string, int> newest, CancellationToken cancellationToken)
    {
        if (graph.Node(edge.Source) is not { } source || graph.Node(edge.Target) is not { } target) return 0;
        var serverName = server.NameOf(source.Server);
        var cursor = await ledger.CursorAsync(edge.Id, cancellationToken).ConfigureAwait(false);
        if (cursor is null)
        {
            var last = await server.ChangesAsync(source.Server, source.Path, null, cancellationToken).ConfigureAwait(false);
            var start = last.Count == 0 ? 0 : last.Max(c => c.Number);
            await ledger.RecordAsync(edge.Id, serverName, start, [], cancellationToken).ConfigureAwait(false);
            LogStarted(logger, edge.Id, start);
            return 0;
        }
        if (!newest.TryGetValue(serverName, out var upTo))
            newest[serverName] = upTo = await server.NewestAsync(source.Server, cancellationToken).ConfigureAwait(false);
        if (cursor >= upTo) return 0;
        var changes = await server.ChangesAsync(source.Server, source.Path, cursor, cancellationToken).ConfigureAwait(false);
        var fresh = changes.Where(c => c.Number > cursor).OrderBy(c => c.Number).ToList();
        if (fresh.Count == 0)
        {
            await ledger.RecordAsync(edge.Id, serverName, upTo, [], cancellationToken).ConfigureAwait(false);
            return 0;
        }
        var decided = new List<(SubmittedChange, string, string?, IReadOnlyList<string>?)>();
        foreach (var change in fresh)
        {
            var (status, reason) = ChangeRules.Decide(change, edge, target);
            // The files decide the lanes and the path exclusions: only a change that may still be integrated needs them.
            IReadOnlyList<string>? files = [];
            if (status != ChangeStatus.Skipped)
            {
                var touched = await server.FilesAsync(source.Server, change.Number, MaxFiles + 1, cancellationToken).ConfigureAwait(false);
                files = touched.Count > MaxFiles ? null : touched;
                if (ChangeRules.DecideByFiles(files, edge) is { } byFiles) (status, reason) = byFiles;
            }
            decided.Add((change, status, reason, files));
        }
        await ledger.RecordAsync(edge.Id, serverName, Math.Max(upTo, fresh[^1].Number), decided, cancellationToken).ConfigureAwait(false);
        LogRecorded(logger, edge.Id, fresh.Count, fresh[0].Number, fresh[^1].Number);
        return fresh.Count;
    }

    /// <summary>
    /// The edge's lanes: its jobs' states are brought up to date (ended: integrated or failed; parked: needs_resolve);
    /// then, with no job running, the first pending change in changelist order that touches no file of a change parked,
    /// failed or waiting before it starts. A change that does touch one waits behind it, and its files are held too, so
    /// per-file order is kept while the rest of the edge flows.
    /// </summary>
    /// <param name="fullLook">Ask about every parked change's job; otherwise only about those <see cref="BranchJobMoves"/> noted.</param>
    private async Task DispatchAsync(BranchGraph graph, BranchEdge edge, bool fullLook, CancellationToken cancellationToken)
    {
        string[] open = [ChangeStatus.Integrating, ChangeStatus.NeedsResolve, ChangeStatus.Failed, ChangeStatus.Pending, ChangeStatus.Shelved];
        var running = false;
        // Outside its window, or past its gate, an edge starts nothing: its changes wait in order.
        var closed = edge.Window is { } window && !window.Contains(clock.GetUtcNow());
        var gate = await GateAsync(graph, edge, cancellationToken).ConfigureAwait(false);
        var held = new HashSet<string>(StringComparer.Ordinal);
        var holdsAll = false;
        // Every open change, a page at a time in changelist order: however many hold their lanes, the pending ones
        // after them are seen, and the files held so far go on from page to page.
        for (var after = 0; ;)
        {
            var changes = await ledger.ListAsync(edge.Id, open, PageSize, cancellationToken, after).ConfigureAwait(false);
            await DispatchPageAsync(changes).ConfigureAwait(false);
            if (changes.Count < PageSize) break;
            after = changes[^1].Change;
        }

        async Task DispatchPageAsync(IReadOnlyList<EdgeChange> changes)
        {
            var landed = await LandedShelvesAsync(graph, edge, changes, cancellationToken).ConfigureAwait(false);
            foreach (var change in changes)
            {
                var status = change.Status;
                if ((status == ChangeStatus.Integrating || (status == ChangeStatus.NeedsResolve && (moves.Take(change.JobId ?? "") || fullLook))) && change.JobId is { } jobId)
                {
                    var state = await jobs.StateAsync(jobId, cancellationToken).ConfigureAwait(false);
                    var now = state.Outcome is { } ended ? (ended.Succeeded ? ChangeStatus.Integrated : ChangeStatus.Failed)
                        : state.Parked ? ChangeStatus.NeedsResolve : ChangeStatus.Integrating;
                    if (now != status)
                    {
                        // A person moved it meanwhile (skipped, shelved, stomped): theirs is the move, counted where it was made.
                        if (!await ledger.MoveAsync(edge.Id, change.Change, status, now, null, state.Outcome?.TargetChange, state.Outcome?.Reason ?? (state.Parked ? "its job waits for a person to resolve conflicts" : null), cancellationToken).ConfigureAwait(false))
                            continue;
                        // UpdatedAt of a parked change is when it parked (an acknowledgement or a stomp notes it again, a little later).
                        if (status == ChangeStatus.NeedsResolve)
                            foreach (var observer in observers) observer.Resolved(edge.Id, change.Change, change.UpdatedAt, clock.GetUtcNow().UtcDateTime);
                        if (now == ChangeStatus.Integrated)
                            foreach (var observer in observers) observer.Integrated(edge.Id, change.Change, change.RecordedAt, clock.GetUtcNow().UtcDateTime);
                        status = now;
                    }
                }
                if (status == ChangeStatus.Shelved && landed.TryGetValue(change.Change, out var submitted))
                {
                    if (!await ledger.MoveAsync(edge.Id, change.Change, status, ChangeStatus.Integrated, null, submitted.Number, $"its owner submitted the shelf as change {submitted.Number}", cancellationToken).ConfigureAwait(false))
                        continue;
                    foreach (var observer in observers)
                    {
                        observer.Integrated(edge.Id, change.Change, change.RecordedAt, clock.GetUtcNow().UtcDateTime);
                        observer.Resolved(edge.Id, change.Change, change.UpdatedAt, clock.GetUtcNow().UtcDateTime);
                    }
                    LogShelfLanded(logger, edge.Id, change.Change, submitted.Number, submitted.User);
                    continue;
                }
                switch (status)
                {
                    case ChangeStatus.Integrating:
                        running = true;
                        break;
                    case ChangeStatus.NeedsResolve or ChangeStatus.Failed or ChangeStatus.Shelved:
                        Hold(change);
                        break;
                    case ChangeStatus.Pending when Overlaps(change):
                        Hold(change);
                        break;
                    case ChangeStatus.Pending when !running && !closed && (gate is null || change.Change <= gate):
                        var started = await jobs.StartAsync(edge, graph.Node(edge.Source)!, graph.Node(edge.Target)!, change, cancellationToken).ConfigureAwait(false);
                        await ledger.MoveAsync(edge.Id, change.Change, ChangeStatus.Pending, ChangeStatus.Integrating, started, null, null, cancellationToken).ConfigureAwait(false);
                        LogDispatched(logger, edge.Id, change.Change, started);
                        running = true;
                        break;
                }
            }
        }

        void Hold(EdgeChange change)
        {
            if (change.Files is null) holdsAll = true;
            else held.UnionWith(change.Files);
        }

        bool Overlaps(EdgeChange change) => holdsAll || change.Files is null ? held.Count > 0 || holdsAll : change.Files.Any(held.Contains);
    }

    /// <summary>
    /// Which of the edge's shelved changes their owners have submitted: one look at the target's submitted changes
    /// since the oldest shelf, for a description carrying the change's own `#p4flow-source: CL N in SOURCE` line (the
    /// shelf's description has it, and the owner submits with it).
    /// </summary>
    private async Task<Dictionary<int, SubmittedChange>> LandedShelvesAsync(BranchGraph graph, BranchEdge edge, IReadOnlyList<EdgeChange> changes, CancellationToken cancellationToken)
    {
        var shelved = changes.Where(c => c.Status == ChangeStatus.Shelved).ToList();
        var landed = new Dictionary<int, SubmittedChange>();
        if (shelved.Count == 0 || graph.Node(edge.Source) is not { } source || graph.Node(edge.Target) is not { } target) return landed;
        // A shelf's pending change is numbered before anything submitted from it.
        var since = shelved.Min(c => c.TargetChange ?? 0);
        var submitted = await server.ChangesAsync(target.Server, target.Path, since, cancellationToken).ConfigureAwait(false);
        foreach (var change in shelved)
        {
            var found = submitted.FirstOrDefault(s => ChangeRules.Carries(s.Description, change.Change, source.Path));
            if (found is not null) landed[change.Change] = found;
        }
        return landed;
    }

    /// <summary>
    /// The last change the edge's gate lets through (null: no gate). A URL that cannot be read lets nothing through
    /// (0): a gate fails closed, and the next pass asks again.
    /// </summary>
    private async Task<int?> GateAsync(BranchGraph graph, BranchEdge edge, CancellationToken cancellationToken)
    {
        if (edge.Gate?.Counter is { Length: > 0 } counter)
            return await server.CounterAsync(graph.Node(edge.Source)!.Server, counter, cancellationToken).ConfigureAwait(false);
        if (edge.Gate?.Url is not { Length: > 0 } url) return null;
        try
        {
            return await urlGate.LastGoodAsync(new Uri(url), cancellationToken).ConfigureAwait(false);
        }
        catch (UrlGateException ex)
        {
            LogGateUnread(logger, edge.Id, ex.Message);
            return 0;
        }
    }

    /// <summary>A change touching more files than this is kept as touching everything: it holds its whole edge when it parks.</summary>
    public const int MaxFiles = 10_000;

    /// <summary>How many of an edge's open changes a pass reads at once.</summary>
    internal const int PageSize = 1_000;

    [LoggerMessage(8101, LogLevel.Information, "Edge {Edge}: watching from change {Change} on")]
    private static partial void LogStarted(ILogger logger, string edge, int change);

    [LoggerMessage(8102, LogLevel.Information, "Edge {Edge}: {Count} new change(s), {First} to {Last}")]
    private static partial void LogRecorded(ILogger logger, string edge, int count, int first, int last);

    [LoggerMessage(8105, LogLevel.Information, "Edge {Edge}: change {Change}, shelved for its owner, landed as change {Submitted} by {User}")]
    private static partial void LogShelfLanded(ILogger logger, string edge, int change, int submitted, string user);

    [LoggerMessage(8104, LogLevel.Warning, "Edge {Edge}: its gate could not be read, nothing starts until it can: {Reason}")]
    private static partial void LogGateUnread(ILogger logger, string edge, string reason);

    [LoggerMessage(8103, LogLevel.Information, "Edge {Edge}: change {Change} integrates in job {JobId}")]
    private static partial void LogDispatched(ILogger logger, string edge, int change, string jobId);
}
