using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Observability;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>
/// The recurring background job: runs `resolve -n` for every job in NEEDS_RESOLVE and moves a clean one on. A pass
/// pages by job id (keyset), so jobs leaving the stage meanwhile make it skip none of the others, reads again only
/// the jobs that changed since the last pass (<see cref="ParkedJobs"/>), checks
/// state_management.resolve_check_concurrency jobs at once, and each job only when its <see cref="ResolveSchedule"/>
/// says it is due (jobs parked long and untouched are checked less often). For the quiet ones it first looks at their
/// workspaces' Access times, one `clients` listing per server and pass, so only a workspace someone used is checked soon.
/// </summary>
internal sealed partial class ResolveWatcher(
    ParkedJobs parkedJobs,
    ResolveContinuation continuation,
    ResolveSchedule schedule,
    P4Client p4,
    P4FlowMetrics metrics,
    IOptions<StateManagementOptions> options,
    ILogger<ResolveWatcher> logger,
    WorkflowRuntime runtime,
    TimeProvider clock,
    AgentRegistry? agents = null,
    Operations.OperatorPause? pause = null)
{
    public const string JobName = "resolve-watcher";
    private const int PageSize = 200;

    [Hangfire.DisableConcurrentExecution(timeoutInSeconds: 60)]
    [Hangfire.AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // While the operator has paused every command, a pass would only hold a worker at the gate: the next one looks.
        if (pause?.Current.Paused == true) return;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.ResolveCheckConcurrency, CancellationToken = cancellationToken };
        var after = "";
        var parked = new HashSet<string>(StringComparer.Ordinal);
        var listings = new Dictionary<string, Task<IReadOnlyDictionary<string, long>?>>(StringComparer.Ordinal);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        int looks = 0, checks = 0;
        while (true)
        {
            var waiting = await parkedJobs.PageAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            parked.UnionWith(waiting.Jobs.Select(j => j.Id));
            var due = new List<WorkflowInstance>(waiting.Jobs.Count);
            foreach (var job in waiting.Jobs)
            {
                if (await PastDeadlineAsync(job, cancellationToken).ConfigureAwait(false)) continue;
                var looked = schedule.Quiet(job) && await LookAsync(job, listings, cancellationToken).ConfigureAwait(false);
                if (looked) looks++;
                if (schedule.Due(job, looked)) due.Add(job);
            }
            checks += due.Count;
            await Parallel.ForEachAsync(due, parallel, (job, token) => new ValueTask(CheckAsync(job, token))).ConfigureAwait(false);
            if (!waiting.More || waiting.Last is null) break;
            after = waiting.Last;
        }
        schedule.KeepOnly(parked);
        parkedJobs.KeepOnly(parked);
        // A pass longer than resolve_check_interval means jobs are checked later than their interval: the sizing signal.
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        metrics.WatcherPassed(seconds);
        if (seconds > options.Value.ResolveCheckInterval) LogSlowPass(logger, parked.Count, looks, listings.Count, checks, seconds, options.Value.ResolveCheckInterval);
    }

    /// <summary>
    /// Gives the schedule this pass's look at the job's workspace: the Access time its server's listing shows (listed
    /// once per server and pass, on the agent of the first quiet job met). False when there is none to give.
    /// </summary>
    private async Task<bool> LookAsync(WorkflowInstance job, Dictionary<string, Task<IReadOnlyDictionary<string, long>?>> listings, CancellationToken cancellationToken)
    {
        P4Server server;
        try
        {
            server = p4.ServerOf(job);
        }
        catch (ActivityInputException)
        {
            return false;
        }
        if (!listings.TryGetValue(server.Name, out var listing)) listings[server.Name] = listing = ListAsync(job, server, cancellationToken);
        if (await listing.ConfigureAwait(false) is not { } workspaces || !workspaces.TryGetValue(p4.Options.ClientFor(job.Id), out var access)) return false;
        schedule.Looked(job.Id, access);
        return true;
    }

    /// <summary>
    /// `clients -e PREFIX*`: every P4Flow workspace on the server with its Access time, in one command. Null when the
    /// server could not be asked; its quiet jobs then keep the back-off schedule for this pass.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, long>?> ListAsync(WorkflowInstance job, P4Server server, CancellationToken cancellationToken)
    {
        using var slot = await schedule.PaceAsync(server.Name, cancellationToken).ConfigureAwait(false);
        try
        {
            var output = await p4.RunAsync(p4.TargetOf(job), ResolveContinuation.Stage, null, ["clients", "-e", p4.Options.ClientPrefix + "*"], null, cancellationToken).ConfigureAwait(false);
            if (output.Failed)
            {
                metrics.WatcherChecked(server.Name, "not_listed");
                LogNotListed(logger, server.Name, output.Text);
                return null;
            }
            metrics.WatcherChecked(server.Name, "listed");
            var workspaces = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var record in output.Records)
            {
                if (record.TryGetValue("client", out var client) && record.TryGetValue("Access", out var text)
                    && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var access))
                    workspaces[client] = access;
            }
            return workspaces;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The agent of that job is gone, the server's circuit is open: the quiet jobs are checked as if never looked at.
            metrics.WatcherChecked(server.Name, "not_listed");
            LogNotListed(logger, server.Name, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// perforce.needs_resolve_deadline: a job nobody settled in time fails TIMEOUT (its cleanup then runs as for any
    /// failed job). True when it did, or when it left the stage meanwhile.
    /// </summary>
    private async Task<bool> PastDeadlineAsync(WorkflowInstance job, CancellationToken cancellationToken)
    {
        var deadline = p4.Options.NeedsResolveDeadline;
        if (deadline <= 0 || job.StageHistory.LastOrDefault(h => h.Stage == ResolveContinuation.Stage)?.EnteredAt is not { } entered) return false;
        var parkedFor = clock.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(entered, DateTimeKind.Utc);
        if (parkedFor < TimeSpan.FromSeconds(deadline)) return false;
        try
        {
            await runtime.FailAsync(job.Id, ResolveContinuation.Stage, new FaultInfo(
                $"NEEDS_RESOLVE waited {parkedFor.TotalSeconds:0} s, past its deadline of {deadline} s (perforce.needs_resolve_deadline), without its conflicts settled.",
                null, Activities.Perforce.P4ErrorClass.Timeout), cancellationToken).ConfigureAwait(false);
            LogDeadlinePassed(logger, job.Id, deadline);
        }
        catch (WorkflowConflictException)
        {
            // Moved on or ended meanwhile (a Continue, a cancel): nothing to fail.
        }
        return true;
    }

    [LoggerMessage(1321, LogLevel.Warning, "Job {JobId} failed: it waited in NEEDS_RESOLVE past its deadline of {Deadline} s")]
    private static partial void LogDeadlinePassed(ILogger logger, string jobId, int deadline);

    private async Task CheckAsync(WorkflowInstance job, CancellationToken cancellationToken)
    {
        string server;
        try
        {
            server = p4.ServerOf(job).Name;
        }
        catch (ActivityInputException)
        {
            server = "unknown";
        }
        using var agentSlot = await schedule.AgentSlotAsync(agents?.AgentOf(job.Id) ?? "local", cancellationToken).ConfigureAwait(false);
        using var slot = await schedule.PaceAsync(server, cancellationToken).ConfigureAwait(false);
        schedule.Checked(job.Id);
        try
        {
            var result = await continuation.ContinueAsync(job.Id, ResolveContinuation.Watcher, cancellationToken).ConfigureAwait(false);
            metrics.WatcherChecked(server, result.ConflictsResolved ? "moved_on" : "conflicts");
            if (result.ConflictsResolved) LogMovedOn(logger, job.Id);
        }
        catch (WorkflowConflictException ex)
        {
            // Moved on meanwhile, the server down, or failed now because its agent is lost: the other jobs are still checked.
            metrics.WatcherChecked(server, "not_checked");
            LogSkipped(logger, job.Id, ex.Message);
        }
    }

    [LoggerMessage(3001, LogLevel.Information, "Job {JobId}: conflicts resolved, moving on to RESOLVE_CHECK")]
    private static partial void LogMovedOn(ILogger logger, string jobId);

    [LoggerMessage(3002, LogLevel.Warning, "Job {JobId} skipped by the resolve watcher: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string jobId, string reason);

    [LoggerMessage(3004, LogLevel.Warning, "Resolve watcher pass over {Parked} parked jobs ({Looked} looked at through {Listings} workspace listings, {Checked} checked) took {Seconds:0.0} s, longer than resolve_check_interval ({Interval} s): raise resolve_checks_per_second or resolve_check_concurrency, or add agents")]
    private static partial void LogSlowPass(ILogger logger, int parked, int looked, int listings, int @checked, double seconds, int interval);

    [LoggerMessage(3003, LogLevel.Warning, "The resolve watcher could not list the workspaces on Perforce server {Server} (its quiet jobs keep the back-off schedule): {Reason}")]
    private static partial void LogNotListed(ILogger logger, string server, string reason);
}
