using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Notifications;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>
/// How often the resolve watcher checks each parked job. A job that nobody has touched for
/// state_management.resolve_check_backoff_after is checked half as often for each such period it stays quiet, up to
/// resolve_check_max_interval: most parked conflicts wait for days, and each check is a command for the agent and the
/// Perforce server. Parking, an acknowledgement, a person's Continue that found conflicts left or a person opening the
/// job's page in the Studio (someone is working on it) brings it back to resolve_check_interval.
/// Where the server lists the quiet jobs' workspaces with their Access time (one `clients` command for all of them),
/// a quiet job whose workspace nobody used is checked only every resolve_check_unused_interval, and a workspace used
/// since the last look (someone resolving in it) brings its job back to the short interval at once
/// (docs/resolve-watcher.md says why this is sound and where it is not).
/// Kept in memory: after a restart every parked job is checked once.
/// And its pace: at most resolve_checks_per_second checks on each Perforce server, one every 1/rate seconds, and at
/// most resolve_checks_per_agent at once on each agent.
/// </summary>
internal sealed class ResolveSchedule(IOptions<StateManagementOptions> options, TimeProvider clock) : IResolveCheckObserver, IDisposable
{
    private readonly ConcurrentDictionary<string, DateTime> _checked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _touched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimiter> _pace = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WorkspaceUse> _use = new(StringComparer.Ordinal);

    /// <summary>
    /// The Access time last seen of a job's workspace; Settled is false from the watcher's own check (which may move
    /// it) until the next look adopts what the server then shows.
    /// </summary>
    private sealed record WorkspaceUse(long Access, bool Settled);

    /// <summary>Waits until fewer than resolve_checks_per_agent checks run on <paramref name="agent"/>.</summary>
    public async Task<IDisposable> AgentSlotAsync(string agent, CancellationToken cancellationToken)
    {
        var slots = _agents.GetOrAdd(agent, _ => new SemaphoreSlim(options.Value.ResolveChecksPerAgent));
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }

    /// <summary>Waits for the server's next slot: checks of one server go out evenly spread, never in a burst.</summary>
    public async Task<IDisposable> PaceAsync(string server, CancellationToken cancellationToken)
    {
        var limiter = _pace.GetOrAdd(server, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / options.Value.ResolveChecksPerSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
        return await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var limiter in _pace.Values) limiter.Dispose();
        foreach (var slots in _agents.Values) slots.Dispose();
    }

    private TimeSpan Short => TimeSpan.FromSeconds(options.Value.ResolveCheckInterval);

    /// <summary>The interval for a job quiet for <paramref name="quietFor"/>: short, then doubling each period after the first, up to the ceiling.</summary>
    public static TimeSpan Interval(TimeSpan quietFor, TimeSpan shortest, TimeSpan backOffAfter, TimeSpan longest)
    {
        if (quietFor < backOffAfter) return shortest;
        var doublings = (int)Math.Min(20, quietFor / backOffAfter);
        var backedOff = shortest * Math.Pow(2, doublings);
        return backedOff < longest ? backedOff : (longest > shortest ? longest : shortest);
    }

    /// <summary>The last sign that a person works on the job: its parking, its acknowledgement, their last Continue.</summary>
    public DateTime LastAttention(WorkflowInstance job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var parkedAt = JobPayload.EnteredStage(job);
        var last = parkedAt;
        if (Acknowledgements.Of(job, parkedAt)?.At is { } acknowledged && acknowledged > last) last = acknowledged;
        if (_touched.TryGetValue(job.Id, out var touched) && touched > last) last = touched;
        return last;
    }

    public TimeSpan IntervalOf(WorkflowInstance job) => Interval(
        clock.GetUtcNow().UtcDateTime - LastAttention(job), Short,
        TimeSpan.FromSeconds(options.Value.ResolveCheckBackoffAfter), TimeSpan.FromSeconds(options.Value.ResolveCheckMaxInterval));

    /// <summary>Whether the job is past its first quiet period, so a look at its workspace may stand in for a check.</summary>
    public bool Quiet(WorkflowInstance job) => clock.GetUtcNow().UtcDateTime - LastAttention(job) >= TimeSpan.FromSeconds(options.Value.ResolveCheckBackoffAfter);

    /// <summary>
    /// This pass's look at the job's workspace: the Access time the server lists for it. A time that moved since the
    /// last settled look means someone used the workspace: the job is touched (checked at the short interval again).
    /// A look after the watcher's own check only settles what that check may have moved.
    /// </summary>
    public void Looked(string jobId, long access)
    {
        var before = _use.GetValueOrDefault(jobId);
        _use[jobId] = new WorkspaceUse(access, Settled: true);
        if (before is { Settled: true } && before.Access != access) _touched[jobId] = clock.GetUtcNow().UtcDateTime;
    }

    /// <summary>
    /// Whether this pass checks the job. Passes come every short interval, so a job is due half of one early: a check
    /// made a moment into one pass is not put off to the pass after next. <paramref name="looked"/>: this pass looked
    /// at its workspace (<see cref="Looked"/>); a quiet job whose workspace is watched so waits the unused interval.
    /// </summary>
    public bool Due(WorkflowInstance job, bool looked = false)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!_checked.TryGetValue(job.Id, out var last)) return true;
        var interval = IntervalOf(job);
        if (looked && interval > Short && _use.TryGetValue(job.Id, out var use) && use.Settled)
            interval = TimeSpan.FromSeconds(Math.Max(options.Value.ResolveCheckUnusedInterval, options.Value.ResolveCheckInterval));
        return clock.GetUtcNow().UtcDateTime - last >= interval - Short / 2;
    }

    public void Checked(string jobId)
    {
        _checked[jobId] = clock.GetUtcNow().UtcDateTime;
        if (_use.TryGetValue(jobId, out var use)) _use[jobId] = use with { Settled = false };
    }

    /// <summary>Forgets jobs a whole pass did not meet (moved on, failed, cancelled).</summary>
    public void KeepOnly(IReadOnlySet<string> parked)
    {
        foreach (var id in _checked.Keys.Where(id => !parked.Contains(id))) _checked.TryRemove(id, out _);
        foreach (var id in _touched.Keys.Where(id => !parked.Contains(id))) _touched.TryRemove(id, out _);
        foreach (var id in _use.Keys.Where(id => !parked.Contains(id))) _use.TryRemove(id, out _);
    }

    /// <summary>A person opened the job's page: they may be resolving it, so it is checked often again.</summary>
    public void PersonAttending(string jobId) => _touched[jobId] = clock.GetUtcNow().UtcDateTime;

    /// <summary>A person pressed Continue and conflicts are left: they are working on it, so it is checked often again.</summary>
    public Task ConflictsRemainAsync(WorkflowInstance job, string checkedBy, ContinueResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        _touched[job.Id] = clock.GetUtcNow().UtcDateTime;
        return Task.CompletedTask;
    }
}
