using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Observability;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Admission;

/// <summary>
/// Admission control (the seed's ResourceQuotaManager and PriorityJobQueue): a job runs only when fewer than
/// <c>resources.max_concurrent_jobs</c> are admitted, the declared demands fit the process's quota
/// (<c>resources.cpu_cores</c>, <c>memory_gb</c>) and an agent that meets its requirements has a free slot and the
/// capacity; otherwise it waits in QUEUED and is admitted, in <see cref="JobPriority"/> order, when room frees. What a
/// job holds is released when it ends, whichever way, and while it is parked for a person. Nothing is admitted while
/// an operator has paused P4Flow, nor a job a gate holds (its Perforce server is down: <see cref="IAdmissionGate"/>).
/// </summary>
/// <remarks>
/// A waiting job that cannot use what is free (it needs a bigger or a busier agent) lets the ones behind it in, until it
/// has waited one <c>priority_aging</c> period: from then on nothing passes it, so a big job is not starved by small ones.
/// One lock guards the state; placement (the hub's registry, its own lock) is only ever called under it, never the
/// other way round.
/// </remarks>
public sealed partial class AdmissionControl(
    IOptions<ResourcesOptions> options,
    IBackgroundActivityScheduler scheduler,
    IEnumerable<IJobPlacement> placements,
    IOperationsControl operations,
    IEnumerable<IAdmissionGate> gates,
    TimeProvider clock,
    ILogger<AdmissionControl> logger,
    P4FlowMetrics? metrics = null) : IJobAdmission
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Waiting> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Holding> _holding = new(StringComparer.Ordinal);
    private readonly IJobPlacement? _placement = placements.LastOrDefault();
    private readonly IAdmissionGate[] _gates = [.. gates];

    private sealed class Waiting(WorkflowInstance instance)
    {
        public string JobId { get; } = instance.Id;
        public string Name { get; } = instance.Name;
        public string Queue { get; } = instance.Queue;
        public int Rank { get; } = JobPriority.RankOf(instance);
        public JobDemand Demand { get; } = JobDemand.Of(instance.Input);
        public JsonObject Input { get; } = (JsonObject)instance.Input.DeepClone();
        // Its age counts from its creation, so a restart does not send it to the back.
        public DateTime Since { get; } = DateTime.SpecifyKind(instance.CreatedAt, DateTimeKind.Utc);
        public string Reason { get; set; } = "";
    }

    private sealed class Holding(JobDemand demand, bool parked)
    {
        public JobDemand Demand { get; } = demand;
        public bool Parked { get; set; } = parked;
    }

    private ResourcesOptions Limits => options.Value;

    private TimeSpan Aging => TimeSpan.FromSeconds(Limits.PriorityAging);

    public bool TryAdmit(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var candidate = new Waiting(instance);
        bool admitted;
        lock (_lock)
        {
            // Nobody jumps the queue: while jobs wait, a new one waits too, and the pump puts it in its place.
            admitted = _waiting.Count == 0 && TakeLocked(candidate) is null;
        }
        if (admitted) Admitted(candidate, TimeSpan.Zero);
        else metrics?.JobQueued(JobPriority.NameOf(candidate.Rank));
        return admitted;
    }

    public void Wait(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        lock (_lock)
        {
            if (!_holding.ContainsKey(instance.Id) && !instance.Status.IsTerminal()) _waiting[instance.Id] = new Waiting(instance);
        }
        AdmissionLog.Queued(logger, instance.Id, JobPriority.NameOf(JobPriority.RankOf(instance)));
        Pump();
    }

    public void Readmit(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var demand = JobDemand.Of(instance.Input);
        var parked = IsParked(instance);
        lock (_lock)
        {
            _holding[instance.Id] = new Holding(demand, parked);
            _placement?.Restore(instance.Id, demand, parked);
        }
    }

    public void Withdraw(string instanceId) => Ended(instanceId);

    /// <summary>The jobs admission holds a place for now (running or parked).</summary>
    public IReadOnlyList<string> Held()
    {
        lock (_lock) return [.. _holding.Keys];
    }

    /// <summary>The job ended (finished, failed, cancelled, whether it ran or only waited): what it held is free.</summary>
    public void Ended(string jobId)
    {
        bool freed;
        lock (_lock)
        {
            freed = _holding.Remove(jobId) | _waiting.Remove(jobId);
        }
        if (freed) Pump();
    }

    /// <summary>The job now waits for a person, or went on: a parked job holds no place (when it goes on it takes its place back even over the limit: a person's Continue is never queued).</summary>
    public void Park(string jobId, bool parked)
    {
        lock (_lock)
        {
            if (!_holding.TryGetValue(jobId, out var holding) || holding.Parked == parked) return;
            holding.Parked = parked;
            _placement?.Park(jobId, parked);
        }
        if (parked) Pump();
    }

    /// <summary>A job that waits only on people or outside events (no command, no timer) is parked.</summary>
    public static bool IsParked(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Status == WorkflowStatus.Suspended && instance.Bookmarks.Count > 0 && instance.Bookmarks.All(b => b.Dispatch == BookmarkDispatch.External);
    }

    /// <summary>Admits the waiting jobs there is room for, in priority order; called when room may have freed (and each second, for aging and agents).</summary>
    public void Pump()
    {
        var admitted = new List<(Waiting Job, TimeSpan Waited)>();
        var now = clock.GetUtcNow().UtcDateTime;
        lock (_lock)
        {
            if (_waiting.Count == 0) return;
            string? blockedBy = null;
            foreach (var job in OrderedLocked(now))
            {
                if (blockedBy is not null)
                {
                    job.Reason = blockedBy;
                    continue;
                }
                var reason = TakeLocked(job);
                if (reason is null)
                {
                    _waiting.Remove(job.JobId);
                    admitted.Add((job, now - job.Since));
                    continue;
                }
                job.Reason = reason;
                if (IsGlobal(reason) || now - job.Since >= Aging)
                    blockedBy = IsGlobal(reason) ? reason : $"waits behind job {job.JobId}, which has waited longest for room ({reason})";
            }
        }
        foreach (var (job, waited) in admitted) Admitted(job, waited);
    }

    /// <summary>Where the job stands in QUEUED (1: next); null when it does not wait.</summary>
    public int? PositionOf(string jobId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        lock (_lock)
        {
            if (!_waiting.ContainsKey(jobId)) return null;
            var position = 0;
            foreach (var job in OrderedLocked(now))
            {
                position++;
                if (job.JobId == jobId) return position;
            }
            return null;
        }
    }

    public AdmissionView Snapshot()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var limits = Limits;
        lock (_lock)
        {
            var working = _holding.Values.Where(h => !h.Parked).ToList();
            var used = working.Aggregate(JobDemand.None, (sum, h) => sum + h.Demand);
            var position = 0;
            var waiting = OrderedLocked(now).Select(j => new QueuedJob(
                j.JobId, j.Name, ++position, JobPriority.NameOf(j.Rank), JobPriority.NameOf(JobPriority.Effective(j.Rank, now - j.Since, Aging)),
                j.Since, j.Demand.CpuCores, j.Demand.MemoryGb, j.Reason.Length > 0 ? j.Reason : "not looked at yet")).ToList();
            return new AdmissionView(limits.MaxConcurrentJobs, limits.CpuCores, limits.MemoryGb, limits.PriorityAging, operations.Current.Paused,
                working.Count, _holding.Count - working.Count, used.CpuCores, used.MemoryGb, waiting);
        }
    }

    private List<Waiting> OrderedLocked(DateTime now) => _waiting.Values
        .OrderBy(j => JobPriority.Effective(j.Rank, now - j.Since, Aging))
        .ThenBy(j => j.Since)
        .ThenBy(j => j.Rank)
        .ThenBy(j => j.JobId, StringComparer.Ordinal)
        .ToList();

    /// <summary>Takes the job's share and returns null, or says why it must wait.</summary>
    private string? TakeLocked(Waiting job)
    {
        var limits = Limits;
        if (operations.Current is { Paused: true } pause)
            return string.Create(CultureInfo.InvariantCulture, $"{PausedPrefix} by {pause.By ?? "an operator"}");
        var working = _holding.Values.Where(h => !h.Parked).ToList();
        if (working.Count >= limits.MaxConcurrentJobs)
            return string.Create(CultureInfo.InvariantCulture, $"{FullPrefix} ({working.Count} of resources.max_concurrent_jobs {limits.MaxConcurrentJobs} admitted)");
        var used = working.Aggregate(JobDemand.None, (sum, h) => sum + h.Demand);
        if (!job.Demand.FitsBeside(used, limits.CpuCores, limits.MemoryGb))
            return string.Create(CultureInfo.InvariantCulture, $"its {job.Demand} do not fit beside the {used} admitted jobs declare (resources.cpu_cores {limits.CpuCores}, memory_gb {limits.MemoryGb})");
        foreach (var gate in _gates)
        {
            if (gate.Holds(job.Input) is { } held) return held;
        }
        if (_placement?.TryPlace(job.JobId, job.Input, job.Demand) == PlacementOutcome.Full)
            return string.Create(CultureInfo.InvariantCulture, $"every agent that meets its requirements is full (max_jobs, or no room for {job.Demand})");
        _holding[job.JobId] = new Holding(job.Demand, parked: false);
        return null;
    }

    private const string PausedPrefix = "P4Flow is paused", FullPrefix = "every place is taken";

    // Limits every job shares: when one blocks the first in line, it blocks everyone behind.
    private static bool IsGlobal(string reason) => reason.StartsWith(PausedPrefix, StringComparison.Ordinal) || reason.StartsWith(FullPrefix, StringComparison.Ordinal);

    private void Admitted(Waiting job, TimeSpan waited)
    {
        scheduler.ScheduleRun(job.JobId, job.Queue);
        metrics?.JobAdmitted(JobPriority.NameOf(job.Rank), waited);
        if (waited > TimeSpan.Zero) AdmissionLog.Admitted(logger, job.JobId, JobPriority.NameOf(job.Rank), waited.TotalSeconds);
    }
}

internal static partial class AdmissionLog
{
    [LoggerMessage(9001, LogLevel.Information, "Job {JobId} ({Priority}) waits in QUEUED for room")]
    public static partial void Queued(ILogger logger, string jobId, string priority);

    [LoggerMessage(9002, LogLevel.Information, "Job {JobId} ({Priority}) admitted after {Waited:0.###} s in QUEUED")]
    public static partial void Admitted(ILogger logger, string jobId, string priority, double waited);
}
