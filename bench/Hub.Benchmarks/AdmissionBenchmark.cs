using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Admission;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Observability;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// Admission's own cost per job, in process (no store, no agents): each job is offered to admission, waits in line
/// when the cap is full, is admitted when one ends, and ends; metrics are recorded as in production. Run with no
/// contention (the cap never reached) and with WAITING jobs kept in line behind a cap of 10, priorities mixed, so each
/// admission picks from that many.
/// </summary>
internal static class AdmissionBenchmark
{
    private static readonly string[] Priorities = ["urgent", "high", "default", "low"];

    public static Task<int> RunAsync(int jobs)
    {
        Console.WriteLine($"admission: {jobs} jobs per run; time per job = offered + (queued) + admitted + ended, metrics included");
        Run(jobs, cap: jobs + 1, waiting: 0, warmUp: true);
        foreach (var waiting in new[] { 0, 10, 100, 1_000, 10_000 }) Run(jobs, cap: waiting == 0 ? jobs + 1 : 10, waiting, warmUp: false);
        return Task.FromResult(0);
    }

    private static void Run(int jobs, int cap, int waiting, bool warmUp)
    {
        var started = new Scheduler();
        var admission = new AdmissionControl(
            Options.Create(new ResourcesOptions { MaxConcurrentJobs = cap }), started, [], new NoOperationsControl(), [],
            TimeProvider.System, NullLogger<AdmissionControl>.Instance, new P4FlowMetrics(Prometheus.Metrics.NewCustomRegistry()));
        var next = 0;
        WorkflowInstance Job() => NewJob(next++);
        void Offer(WorkflowInstance job)
        {
            if (!admission.TryAdmit(job)) admission.Wait(job);
        }

        // The cap filled and WAITING jobs in line before the clock starts; then each job offered joins the line's end,
        // and each job that ends lets the first in line in: the line keeps its length.
        var running = new Queue<string>();
        for (var i = 0; i < Math.Min(cap, jobs) && waiting > 0; i++) Offer(Job());
        for (var i = 0; i < waiting; i++) Offer(Job());
        foreach (var id in started.TakeStarted()) running.Enqueue(id);

        var gcBefore = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < jobs; i++)
        {
            Offer(Job());
            foreach (var id in started.TakeStarted()) running.Enqueue(id);
            admission.Ended(running.Dequeue());
            foreach (var id in started.TakeStarted()) running.Enqueue(id);
        }
        clock.Stop();
        if (warmUp) return;
        var snapshot = admission.Snapshot();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {(waiting == 0 ? "no contention" : $"{waiting,6} waiting, cap {cap}"),-24} {clock.Elapsed.TotalMicroseconds / jobs,8:0.00} µs per job   ({jobs / clock.Elapsed.TotalSeconds,10:N0} jobs/s; gen0 GCs {GC.CollectionCount(0) - gcBefore}; at the end {snapshot.Admitted} admitted, {snapshot.Waiting.Count} waiting)"));
    }

    private static WorkflowInstance NewJob(int n)
    {
        var priority = Priorities[n % Priorities.Length];
        return new WorkflowInstance
        {
            Id = "job-" + n.ToString(CultureInfo.InvariantCulture),
            Name = "bench",
            Input = new JsonObject { ["priority"] = priority, ["resources"] = new JsonObject { ["cpu_cores"] = 0.5, ["memory_gb"] = 0.5 } },
            Queue = WorkflowRuntime.QueueOf(priority),
            CreatedAt = DateTime.UtcNow,
        };
    }

    /// <summary>Stands in for Hangfire: remembers which jobs admission handed over to run.</summary>
    private sealed class Scheduler : IBackgroundActivityScheduler
    {
        private readonly List<string> _started = [];

        public void ScheduleRun(string instanceId, string queue) => _started.Add(instanceId);

        public void ScheduleBookmark(Bookmark bookmark, string queue)
        {
        }

        public List<string> TakeStarted()
        {
            var taken = _started.ToList();
            _started.Clear();
            return taken;
        }
    }
}
