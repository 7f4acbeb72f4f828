using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using P4Flow.Orchestrator.Admission;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Tests.Admission;

/// <summary>Admission's decisions: the cap, the order of starts under contention, aging, what a job holds and when it lets go.</summary>
public sealed class AdmissionControlTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly Runs _runs = new();
    private readonly Placement _placement = new();
    private readonly OperatorSwitch _pause = new();

    private AdmissionControl Create(int cap = 2, double cpu = 0, int aging = 300, bool agents = false) => new(
        Options.Create(new ResourcesOptions { MaxConcurrentJobs = cap, CpuCores = cpu, PriorityAging = aging }),
        _runs, agents ? [_placement] : [], _pause, [], _clock, NullLogger<AdmissionControl>.Instance);

    private WorkflowInstance Job(string id, string priority = "default", double cpu = 0)
    {
        var input = new JsonObject { ["priority"] = priority };
        if (cpu > 0) input["resources"] = new JsonObject { ["cpu_cores"] = cpu };
        return new WorkflowInstance
        {
            Id = id, Name = id, Input = input, Queue = WorkflowRuntime.QueueOf(priority), CreatedAt = _clock.GetUtcNow().UtcDateTime,
        };
    }

    /// <summary>What the engine does with a new job: admitted at once, or stored in QUEUED and handed to Wait.</summary>
    private static bool Start(AdmissionControl admission, WorkflowInstance job)
    {
        if (admission.TryAdmit(job)) return true;
        admission.Wait(job);
        return false;
    }

    [Fact]
    public void FullCap_StartsUrgentHighDefaultLowInThatOrder_OldestFirstWithinOne()
    {
        var admission = Create(cap: 2);
        Assert.True(Start(admission, Job("a")));
        Assert.True(Start(admission, Job("b")));
        foreach (var (id, priority) in new[] { ("low1", "low"), ("default1", "default"), ("high1", "high"), ("urgent1", "urgent"), ("high2", "high"), ("low2", "low") })
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.False(Start(admission, Job(id, priority)));
        }
        Assert.Equal(["a", "b"], _runs.Started);
        var waiting = admission.Snapshot().Waiting;
        Assert.Equal(["urgent1", "high1", "high2", "default1", "low1", "low2"], waiting.Select(w => w.JobId));
        Assert.Equal([1, 2, 3, 4, 5, 6], waiting.Select(w => w.Position));
        Assert.All(waiting, w => Assert.StartsWith("every place is taken (2 of resources.max_concurrent_jobs 2 admitted)", w.Reason, StringComparison.Ordinal));
        Assert.Equal(4, admission.PositionOf("default1"));
        Assert.Null(admission.PositionOf("a"));

        // Each job that ends lets exactly one in, the first in line.
        foreach (var ended in new[] { "a", "b", "urgent1", "high1", "high2", "default1" }) admission.Ended(ended);
        Assert.Equal(["a", "b", "urgent1", "high1", "high2", "default1", "low1", "low2"], _runs.Started);
        Assert.Empty(admission.Snapshot().Waiting);
        Assert.Equal(2, admission.Snapshot().Admitted);
    }

    [Fact]
    public void Aging_LowJobThatWaitedTwoPeriods_GoesBeforeHighJobsThatJustCame()
    {
        var admission = Create(cap: 1, aging: 60);
        Start(admission, Job("holder"));
        Start(admission, Job("old-low", "low"));
        _clock.Advance(TimeSpan.FromSeconds(121));
        Start(admission, Job("new-high", "high"));
        Start(admission, Job("new-urgent", "urgent"));

        var waiting = admission.Snapshot().Waiting;
        // Two periods raised low to high; it is older than new-high, and only urgent goes first.
        Assert.Equal(["new-urgent", "old-low", "new-high"], waiting.Select(w => w.JobId));
        Assert.Equal(("low", "high"), (waiting[1].Priority, waiting[1].EffectivePriority));

        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(["old-low", "new-urgent", "new-high"], admission.Snapshot().Waiting.Select(w => w.JobId));
    }

    [Fact]
    public void Parked_JobWaitingForAPersonHoldsNoPlace_AndTakesItBackOverTheCapWhenItGoesOn()
    {
        var admission = Create(cap: 1);
        Start(admission, Job("conflict"));
        Assert.False(Start(admission, Job("next")));

        admission.Park("conflict", parked: true);
        Assert.Equal(["conflict", "next"], _runs.Started);
        Assert.Equal((1, 1), (admission.Snapshot().Admitted, admission.Snapshot().Parked));

        // The person continued: the job works again at once, even though the cap is reached; nobody new gets in.
        admission.Park("conflict", parked: false);
        Assert.Equal(2, admission.Snapshot().Admitted);
        Assert.False(Start(admission, Job("third")));
        admission.Ended("next");
        Assert.Equal(["conflict", "next"], _runs.Started);
        admission.Ended("conflict");
        Assert.Equal(["conflict", "next", "third"], _runs.Started);
    }

    [Fact]
    public void Demand_OverTheCpuQuota_Waits_SmallerJobsBehindItGoFirst_UntilItHasWaitedOnePeriod()
    {
        var admission = Create(cap: 10, cpu: 4, aging: 60);
        Assert.True(Start(admission, Job("three-cores", cpu: 3)));
        Assert.False(Start(admission, Job("two-cores", "high", cpu: 2)));
        var reason = admission.Snapshot().Waiting.Single().Reason;
        Assert.Contains("its 2 cores, 0 GB do not fit beside the 3 cores, 0 GB admitted jobs declare (resources.cpu_cores 4", reason, StringComparison.Ordinal);

        // A one-core job fits beside: it passes the waiting two-core job.
        Assert.False(Start(admission, Job("one-core", cpu: 1)));
        Assert.Equal(["three-cores", "one-core"], _runs.Started);

        // Once the big job has waited a period, nothing passes it any more.
        _clock.Advance(TimeSpan.FromSeconds(61));
        admission.Ended("one-core");
        Assert.False(Start(admission, Job("another-core", cpu: 1)));
        admission.Pump();
        Assert.Equal(["three-cores", "one-core"], _runs.Started);
        Assert.StartsWith("waits behind job two-cores", admission.Snapshot().Waiting.Single(w => w.JobId == "another-core").Reason, StringComparison.Ordinal);
        admission.Ended("three-cores");
        Assert.Equal(["three-cores", "one-core", "two-cores", "another-core"], _runs.Started);
    }

    [Fact]
    public void Agents_FullAgentsKeepTheJobQueued_NoMatchingAgentAdmitsItToWaitForOne()
    {
        var admission = Create(cap: 10, agents: true);
        _placement.Outcome = PlacementOutcome.Full;
        Assert.False(Start(admission, Job("busy")));
        Assert.StartsWith("every agent that meets its requirements is full", admission.Snapshot().Waiting.Single().Reason, StringComparison.Ordinal);

        _placement.Outcome = PlacementOutcome.Placed;
        admission.Pump();
        Assert.Equal(["busy"], _runs.Started);
        Assert.Equal(["busy"], _placement.Placed);

        _placement.Outcome = PlacementOutcome.NoCandidate;
        Assert.True(Start(admission, Job("exotic")));
        admission.Park("busy", parked: true);
        Assert.Equal([("busy", true)], _placement.Parks);
    }

    [Fact]
    public void Pause_AdmitsNothing_ResumeLetsTheQueueIn_CancelledWhileQueuedIsForgotten()
    {
        var admission = Create(cap: 5);
        _pause.Set(true);
        Assert.False(Start(admission, Job("one")));
        Assert.False(Start(admission, Job("two")));
        Assert.StartsWith("P4Flow is paused by alice", admission.Snapshot().Waiting[0].Reason, StringComparison.Ordinal);
        admission.Ended("two");

        _pause.Set(false);
        admission.Pump();
        Assert.Equal(["one"], _runs.Started);
        Assert.Empty(admission.Snapshot().Waiting);
    }

    [Fact]
    public void Readmit_RecoveredJobsHoldTheirPlaces_BeforeNewOnesAreLetIn()
    {
        var admission = Create(cap: 1);
        var running = Job("running");
        running.Status = WorkflowStatus.Running;
        admission.Readmit(running);
        Assert.False(Start(admission, Job("new")));
        admission.Ended("running");
        Assert.Equal(["new"], _runs.Started);
    }

    private sealed class Runs : IBackgroundActivityScheduler
    {
        public List<string> Started { get; } = [];

        public void ScheduleRun(string instanceId, string queue) => Started.Add(instanceId);

        public void ScheduleBookmark(Bookmark bookmark, string queue) => throw new InvalidOperationException("admission schedules runs only");
    }

    private sealed class Placement : IJobPlacement
    {
        public PlacementOutcome Outcome { get; set; } = PlacementOutcome.Placed;
        public List<string> Placed { get; } = [];
        public List<(string, bool)> Parks { get; } = [];

        public PlacementOutcome TryPlace(string jobId, JsonObject input, JobDemand demand)
        {
            if (Outcome == PlacementOutcome.Placed) Placed.Add(jobId);
            return Outcome;
        }

        public void Park(string jobId, bool parked) => Parks.Add((jobId, parked));

        public void Restore(string jobId, JobDemand demand, bool parked)
        {
        }
    }

    private sealed class OperatorSwitch : IOperationsControl
    {
        public PauseInfo Current { get; private set; } = new(false, null, null, null, 0);

        public event EventHandler? Changed;

        public void Set(bool paused)
        {
            Current = new PauseInfo(paused, paused ? DateTimeOffset.UnixEpoch : null, paused ? "alice" : null, null, 0);
            Changed?.Invoke(this, EventArgs.Empty);
        }

        public PauseInfo Pause(string? by, string? reason) => throw new NotSupportedException();

        public PauseInfo Resume(string? by) => throw new NotSupportedException();
    }
}
