using System.Text.RegularExpressions;
using Prometheus;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// Every metric the orchestrator exports on monitoring.metrics_port at /metrics, in a registry of its own (one per
/// host, so hosts in one process do not add up). Labels are bounded: workflow ids, stage names, results, error classes
/// and reasons, never job, command or agent ids. Job metrics are fed by <see cref="JobMetricsObserver"/>, the gauges
/// over stored state by <see cref="StateMetrics"/> at every scrape; the hub and the command dispatch call the methods
/// below.
/// </summary>
public sealed partial class P4FlowMetrics
{
    public const string Other = "OTHER";

    /// <summary>The seed's buckets: 1 min, 5 min, 10 min, 30 min, 1 h.</summary>
    public static readonly double[] JobDurationBuckets = [60, 300, 600, 1800, 3600];
    public static readonly double[] StageDurationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14_400, 86_400];
    public static readonly double[] CommandDurationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    /// <summary>What a command can end as.</summary>
    public static readonly IReadOnlyList<string> CommandResults = ["success", "failed", "timeout", "refused", "cancelled"];

    /// <summary>The error classes the retries section has a policy for.</summary>
    public static readonly IReadOnlyList<string> RetriedErrorClasses =
        [Activities.Perforce.P4ErrorClass.NetworkError, Activities.Perforce.P4ErrorClass.Locked, Activities.Perforce.P4ErrorClass.Timeout];

    /// <summary>Why the hub turns an agent away; anything else is counted as other.</summary>
    public static readonly IReadOnlyList<string> RefusalReasons =
        ["no_certificate", "bad_certificate", "not_whitelisted", "address_mismatch", "protocol_version", "hello_timeout", "protocol_error", "capacity", "evicted", "duplicate", "other"];

    /// <summary>Admission's priorities (JobPriority).</summary>
    public static readonly IReadOnlyList<string> Priorities = ["urgent", "high", "default", "low"];

    /// <summary>The states an agent can be in, as the hub reports them.</summary>
    public static readonly IReadOnlyList<string> AgentStates = ["healthy", "timeout", "disconnected"];

    public P4FlowMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);
        JobsTotal = factory.CreateCounter("p4_jobs_total", "Jobs created.", "workflow");
        JobsSuccess = factory.CreateCounter("p4_jobs_success_total", "Jobs that completed.", "workflow");
        JobsFailed = factory.CreateCounter("p4_jobs_failed_total", "Jobs that failed, by error class.", "workflow", "error_class");
        JobsCancelled = factory.CreateCounter("p4_jobs_cancelled_total", "Jobs that were cancelled.", "workflow");
        JobRetries = factory.CreateCounter("p4_job_retries_total", "Retries of failed job activities scheduled (retries section), by error class.", "error_class");
        JobDuration = factory.CreateHistogram("p4_job_duration_seconds", "Time from a job's creation to its end.",
            ["workflow", "result"], new HistogramConfiguration { Buckets = JobDurationBuckets });
        StageDuration = factory.CreateHistogram("p4_stage_duration_seconds", "Time a job spent in a stage, observed when it left the stage.",
            ["workflow", "stage"], new HistogramConfiguration { Buckets = StageDurationBuckets });

        JobsInProgress = factory.CreateGauge("p4_jobs_in_progress", "Jobs pending, running or waiting (not ended).");
        JobsInStage = factory.CreateGauge("p4_jobs_in_stage", "Unfinished jobs by current stage.", "stage");
        JobsNeedsResolve = factory.CreateGauge("p4_jobs_needs_resolve", "Jobs waiting in NEEDS_RESOLVE for conflicts to be resolved by hand.");
        NeedsResolveOldest = factory.CreateGauge("p4_needs_resolve_oldest_seconds", "Longest time any job has been waiting in NEEDS_RESOLVE (0 when none is).");
        OldestJobAge = factory.CreateGauge("p4_oldest_job_age_seconds", "Age of the oldest unfinished job that is not waiting in NEEDS_RESOLVE (0 when there is none).");
        JobsQueued = factory.CreateCounter("p4_jobs_queued_total", "Jobs that had to wait in QUEUED for admission (resources), by priority.", "priority");
        AdmissionWait = factory.CreateHistogram("p4_admission_wait_seconds", "Time from a job's creation to its admission (0 for a job admitted at once), by priority.",
            ["priority"], new HistogramConfiguration { Buckets = [0.1, 1, 5, 15, 60, 300, 900, 3600, 14_400] });
        QueueDepth = factory.CreateGauge("p4_queue_depth", "Background work enqueued and not yet picked up, by Hangfire queue (priority).", "queue");

        Commands = factory.CreateCounter("p4_commands_total", "Commands that ended, by result and error class.", "result", "error_class");
        CommandDuration = factory.CreateHistogram("p4_command_duration_seconds", "Command run time, by stage.",
            ["stage"], new HistogramConfiguration { Buckets = CommandDurationBuckets });

        AgentsConnected = factory.CreateGauge("p4_agents_connected", "Agents connected to the hub.");
        Agents = factory.CreateGauge("p4_agents", "Agents known to the hub, by health state.", "state");
        HubRefusals = factory.CreateCounter("p4_hub_refusals_total", "Agent connections the hub refused, by reason.", "reason");
        ClusterNodesLive = factory.CreateGauge("p4_cluster_nodes_live", "Orchestrator nodes holding a lease in the cluster's database, as this node counts them (0 on one node, which is in no cluster).");
        ClusterTakeovers = factory.CreateCounter("p4_cluster_takeovers_total", "Nodes whose lease ran out unrenewed and whose work this node took over.");
        Incidents = factory.CreateCounter("p4_incidents_total", "Incidents a recovery playbook handled, by playbook and outcome.", "playbook", "outcome");
        CircuitOpen = factory.CreateGauge("p4_circuit_open", "1 while a Perforce server's circuit breaker is open (its commands fail at once), 0 once it closed.", "server");
        AgentCircuitOpen = factory.CreateGauge("p4_agent_circuit_open", "1 while an agent's circuit breaker is open (it gets no new job), 0 once it closed.", "agent");
        WatcherPass = factory.CreateHistogram("p4_watcher_pass_seconds", "How long a resolve watcher pass over every parked job took (above resolve_check_interval, jobs are checked late).",
            new HistogramConfiguration { Buckets = CommandDurationBuckets });
        WatcherChecks = factory.CreateCounter("p4_watcher_checks_total", "The resolve watcher's commands to each Perforce server, by result: a job's `resolve -n` (moved_on, conflicts, not_checked) or one `clients` listing of the quiet jobs' workspaces (listed, not_listed).", "server", "result");
        Notifications = factory.CreateCounter("p4_notifications_total", "Notification delivery attempts, by channel and result (sent, retry: failed and tried again later, failed: given up).", "channel", "result");

        // Known label values start at 0, so a rate or an alert sees them before the first event.
        foreach (var queue in P4Flow.Workflows.Runtime.WorkflowRuntime.Queues) QueueDepth.WithLabels(queue).Set(0);
        foreach (var priority in Priorities) JobsQueued.WithLabels(priority).IncTo(0);
        foreach (var state in AgentStates) Agents.WithLabels(state).Set(0);
        foreach (var reason in RefusalReasons) HubRefusals.WithLabels(reason).IncTo(0);
        foreach (var errorClass in RetriedErrorClasses) JobRetries.WithLabels(errorClass).IncTo(0);
        foreach (var result in CommandResults) Commands.WithLabels(result, result == "success" ? "none" : "UNKNOWN").IncTo(0);
    }

    public CollectorRegistry Registry { get; }

    internal Counter JobsTotal { get; }
    internal Counter Incidents { get; }
    internal Counter JobsSuccess { get; }
    internal Counter JobsFailed { get; }
    internal Counter JobsCancelled { get; }
    internal Counter JobRetries { get; }
    internal Histogram JobDuration { get; }
    internal Histogram StageDuration { get; }
    internal Gauge JobsInProgress { get; }
    internal Gauge JobsInStage { get; }
    internal Gauge JobsNeedsResolve { get; }
    internal Gauge NeedsResolveOldest { get; }
    internal Gauge OldestJobAge { get; }
    internal Gauge QueueDepth { get; }
    internal Counter JobsQueued { get; }
    internal Histogram AdmissionWait { get; }
    internal Counter Commands { get; }
    internal Histogram CommandDuration { get; }
    internal Gauge AgentsConnected { get; }
    internal Gauge Agents { get; }
    internal Counter HubRefusals { get; }
    internal Gauge ClusterNodesLive { get; }
    internal Counter ClusterTakeovers { get; }
    internal Gauge CircuitOpen { get; }
    internal Gauge AgentCircuitOpen { get; }
    internal Counter Notifications { get; }
    internal Counter WatcherChecks { get; }

    /// <summary>The resolve watcher checked a parked job. The server label is a configured server's name (or a raw port's hash): the configuration bounds them.</summary>
    public void WatcherChecked(string server, string result) => WatcherChecks.WithLabels(server, result).Inc();

    internal Histogram WatcherPass { get; }

    public void WatcherPassed(double seconds) => WatcherPass.Observe(seconds);

    /// <summary>A notification delivery attempt ended. The channel label is a configured channel's name: the configuration bounds them.</summary>
    public void NotificationAttempted(string channel, string result) => Notifications.WithLabels(Code(channel), Code(result)).Inc();

    /// <summary>A command ended. <paramref name="result"/>: success, failed, timeout, refused or cancelled; <paramref name="errorClass"/>: NETWORK_ERROR, P4_LOCKED, ... or null on success.</summary>
    public void CommandCompleted(string? stage, string result, string? errorClass, TimeSpan duration)
    {
        var known = CommandResults.Contains(result) ? result : "failed";
        Commands.WithLabels(known, errorClass is null ? (known == "success" ? "none" : "UNKNOWN") : Code(errorClass)).Inc();
        CommandDuration.WithLabels(Code(stage)).Observe(Math.Max(0, duration.TotalSeconds));
    }

    /// <summary>The hub's view of its agents: how many are connected, and how many are in each health state (healthy, timeout, disconnected).</summary>
    public void SetAgents(int connected, IReadOnlyDictionary<string, int> byState)
    {
        ArgumentNullException.ThrowIfNull(byState);
        AgentsConnected.Set(connected);
        foreach (var state in AgentStates) Agents.WithLabels(state).Set(byState.TryGetValue(state, out var count) ? count : 0);
    }

    /// <summary>A Perforce server's circuit opened or closed. The label is its P4PORT: a configured server or a job's p4port, few in practice.</summary>
    public void CircuitChanged(string server, bool open) => CircuitOpen.WithLabels(server).Set(open ? 1 : 0);

    /// <summary>An agent's circuit opened or closed. The label is its id: the whitelist bounds them.</summary>
    public void AgentCircuitChanged(string agentId, bool open) => AgentCircuitOpen.WithLabels(agentId).Set(open ? 1 : 0);

    /// <summary>The hub refused an agent; <paramref name="reason"/> is one of <see cref="RefusalReasons"/> (anything else counts as other).</summary>
    public void JobQueued(string priority) => JobsQueued.WithLabels(priority).Inc();

    public void JobAdmitted(string priority, TimeSpan waited) => AdmissionWait.WithLabels(priority).Observe(waited.TotalSeconds);

    public void ClusterNodes(long live) => ClusterNodesLive.Set(live);

    public void ClusterTookOver() => ClusterTakeovers.Inc();

    public void IncidentHandled(string playbook, string outcome) => Incidents.WithLabels(playbook, outcome).Inc();

    public void HubRefused(string reason) => HubRefusals.WithLabels(RefusalReasons.Contains(reason) ? reason : "other").Inc();

    /// <summary>
    /// A label value from a code-like name (workflow id, stage, error class): kept when it looks like one, else OTHER,
    /// so a stray message can never become a label value.
    /// </summary>
    internal static string Code(string? value) => value is not null && CodeShape().IsMatch(value) ? value : Other;

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")]
    private static partial Regex CodeShape();
}
