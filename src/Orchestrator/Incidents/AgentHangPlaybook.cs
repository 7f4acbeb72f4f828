using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Notifications;
using P4Flow.Orchestrator.Admission;
using P4Flow.Orchestrator.BackgroundJobs;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Incidents;

/// <summary>
/// AGENT_HANG (seed 8.3): an agent stopped answering pings (marked TIMEOUT). Check its health once more; end its stream
/// from the hub's side; move its jobs: each starts over from its first activity on another agent with a fresh
/// workspace, once what the first attempt left on the server (opened files, pending changes, the client) is cleaned
/// up, except a job parked for a person (they work from what it left; its owner is told); then restart the agent over
/// SSH when bootstrap enrolled it. Recorded as an incident with each step, whether or not every step succeeded.
/// </summary>
internal sealed partial class AgentHangPlaybook(
    AgentRegistry registry,
    IServiceProvider services,
    IncidentLog incidents,
    IOptions<AgentsOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<AgentHangPlaybook> logger) : IHostedService
{
    public const string Playbook = "AGENT_HANG";
    /// <summary>Who the SSH restart and the audit name as having asked.</summary>
    public const string RequestedBy = "AGENT_HANG playbook";
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.TimedOut += TimedOut;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        registry.TimedOut -= TimedOut;
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The runs in progress, one per agent (tests wait on them).</summary>
    internal Task Running(string agentId) => _running.GetValueOrDefault(agentId) ?? Task.CompletedTask;

    private void TimedOut(string agentId)
    {
        var seen = clock.GetUtcNow();
        _running.GetOrAdd(agentId, id => Task.Run(async () =>
        {
            try
            {
                await RunAsync(id, seen, lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Stopping: the jobs are recovered by the next start like any others.
            }
            catch (Exception ex)
            {
                LogFailed(logger, id, ex);
            }
            finally
            {
                _running.TryRemove(id, out _);
            }
        }));
    }

    private async Task RunAsync(string agentId, DateTimeOffset seen, CancellationToken stopping)
    {
        var settings = options.Value;
        var steps = new List<IncidentStep>
        {
            new("detect", seen, "done", $"agent {agentId} missed {settings.MaxMissedPongs} pongs in a row (agents.max_missed_pongs; a ping every {settings.PingInterval:0.#} s, {settings.PongTimeout:0.#} s to answer)"),
        };

        // One more ping with the same patience: an agent that answers was only slow and keeps its jobs.
        if (await AnswersAsync(agentId, TimeSpan.FromSeconds(settings.PongTimeout), stopping).ConfigureAwait(false))
        {
            LogFalseAlarm(logger, agentId);
            return;
        }
        steps.Add(new("health_check", clock.GetUtcNow(), "failed", $"no answer to a ping within {settings.PongTimeout:0.#} s"));

        var reason = $"agent {agentId} hung (no answer to pings since {seen.UtcDateTime:HH:mm:ss} UTC)";
        steps.Add(registry.Disconnect(agentId, $"AGENT_HANG: {reason}; the hub ended the stream")
            ? new("force_disconnect", clock.GetUtcNow(), "done", "the hub ended its stream; it may connect again once it answers")
            : new("force_disconnect", clock.GetUtcNow(), "skipped", "its stream had already ended"));

        // Beside the moves, not after them: when it is the only agent, the moved jobs wait for it to come back.
        var restarting = RestartAsync(agentId, stopping);
        var moved = await MoveJobsAsync(agentId, reason, stopping).ConfigureAwait(false);
        steps.Add(moved);
        var restart = await restarting.ConfigureAwait(false);
        steps.Add(restart);

        var ok = moved.Outcome != "failed" && restart.Outcome != "failed";
        var incident = new Incident(Guid.NewGuid().ToString("N"), Playbook, seen, clock.GetUtcNow(), ok ? Incident.Recovered : Incident.Failed,
            $"Agent {agentId} hung: {moved.Detail}; {restart.Detail}.", [.. steps]);
        await incidents.RecordAsync(incident, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<bool> AnswersAsync(string agentId, TimeSpan patience, CancellationToken stopping)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        wait.CancelAfter(patience);
        try
        {
            await registry.ProbeAsync(agentId, wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // Its stream is gone already.
            return false;
        }
    }

    /// <summary>The reassign_jobs step: every job of the agent starts over elsewhere or, parked for a person, stays and its owner is told.</summary>
    private async Task<IncidentStep> MoveJobsAsync(string agentId, string reason, CancellationToken stopping)
    {
        var store = services.GetRequiredService<IWorkflowStore>();
        var jobs = registry.JobsOf(agentId).Where(j => JobCleanupJobs.JobOfRun(j) is null).ToList();
        var restarted = new List<string>();
        var parked = new List<string>();
        var failed = new List<string>();
        foreach (var jobId in jobs)
        {
            var job = await store.GetInstanceAsync(jobId, stopping).ConfigureAwait(false);
            if (job is null || job.Status.IsTerminal()) continue;
            if (registry.IsParked(jobId) || AdmissionControl.IsParked(job))
            {
                // A person works from what the job left there: moving it would take their work away.
                await TellOwnerAsync(job, agentId, reason).ConfigureAwait(false);
                parked.Add(jobId);
                continue;
            }
            try
            {
                await StartOverAsync(job, reason, stopping).ConfigureAwait(false);
                restarted.Add(jobId);
            }
            catch (WorkflowConflictException)
            {
                // It ended meanwhile.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNotMoved(logger, jobId, agentId, ex.Message);
                failed.Add($"{jobId} ({ex.Message})");
            }
        }
        var detail = jobs.Count == 0 ? "it held no job"
            : $"{restarted.Count} job(s) started over on another agent with a fresh workspace{List(restarted)}, {parked.Count} parked for a person left there, their owners told{List(parked)}"
              + (failed.Count > 0 ? $", {failed.Count} could not be moved{List(failed)}" : "");
        return new("reassign_jobs", clock.GetUtcNow(), failed.Count > 0 ? "failed" : jobs.Count == 0 ? "skipped" : "done", detail);
    }

    private static string List(List<string> jobs) => jobs.Count == 0 ? "" : $" ({string.Join(", ", jobs)})";

    /// <summary>
    /// The job goes back to its first activity, waiting for an agent; before it runs, its commands still out on the
    /// hung agent fail (that attempt ends, unreported), and what the first attempt left on the server is removed by
    /// another agent, so the fresh attempt starts from a clean client of the same name.
    /// </summary>
    private async Task StartOverAsync(WorkflowInstance job, string reason, CancellationToken stopping)
    {
        var runtime = services.GetRequiredService<WorkflowRuntime>();
        await runtime.RestartAsync(job.Id, AgentCommandDispatcher.WaitingStage, $"{reason}: the job starts over on another agent with a fresh workspace", async ct =>
        {
            registry.Withdraw(job.Id, $"{reason}; the job starts over on another agent");
            await CleanUpAsync(job, ct).ConfigureAwait(false);
        }, stopping).ConfigureAwait(false);
        LogStartedOver(logger, job.Id, reason);
    }

    private async Task CleanUpAsync(WorkflowInstance job, CancellationToken stopping)
    {
        var p4 = services.GetRequiredService<P4Client>();
        var runId = JobCleanupJobs.RunIdOf(job.Id);
        try
        {
            var target = p4.TargetOf(job) with { JobId = runId };
            await services.GetRequiredService<WorkspaceCleanup>().RunAsync(target, JobCleanupJobs.KeptShelves(job), stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CleanupFailedException or JobFailedException or ActivityInputException)
        {
            // The fresh attempt writes the client spec again; the job's own cleanup at its end retries the rest.
            LogNotCleaned(logger, job.Id, ex.Message);
        }
        finally
        {
            registry.ReleaseJob(runId, "cleanup before the job starts over", succeeded: true);
        }
    }

    private async Task TellOwnerAsync(WorkflowInstance job, string agentId, string reason)
    {
        var outbox = services.GetRequiredService<NotificationOutbox>();
        if (!outbox.Routes(Topics.AgentLost)) return;
        var payload = JobPayload.Of(job, outbox.Options);
        payload["agent"] = agentId;
        payload["reason"] = $"{reason}. The job waits for a person and stays parked: resolve from the shelf or your own workspace, or start the job again.";
        payload["jobs"] = new JsonArray(job.Id);
        try
        {
            await outbox.RaiseAsync(Topics.AgentLost, $"agent-hang/{agentId}/{job.Id}/{clock.GetUtcNow().UtcTicks}", job.Id, payload, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotMoved(logger, job.Id, agentId, $"its owner could not be told: {ex.Message}");
        }
    }

    /// <summary>The restart_over_ssh step: only an agent this orchestrator enrolled over SSH can be restarted by it.</summary>
    private async Task<IncidentStep> RestartAsync(string agentId, CancellationToken stopping)
    {
        if (services.GetService<BootstrapService>() is not { } bootstrap || !bootstrap.IsEnrolled(agentId))
            return new("restart_over_ssh", clock.GetUtcNow(), "skipped", "it was not enrolled over SSH here: restart it on its host");
        try
        {
            var outcome = await bootstrap.RestartAsync(agentId, RequestedBy, progress: null, stopping).ConfigureAwait(false);
            return outcome.Succeeded
                ? new("restart_over_ssh", clock.GetUtcNow(), "done", $"restarted over SSH in {outcome.DurationMs / 1000.0:0.#} s and connected again")
                : new("restart_over_ssh", clock.GetUtcNow(), "failed", $"the SSH restart failed at {outcome.FailedStep}: {outcome.Error}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new("restart_over_ssh", clock.GetUtcNow(), "failed", $"the SSH restart failed: {ex.Message}");
        }
    }

    [LoggerMessage(7201, LogLevel.Information, "Agent {AgentId} answered a ping after all; no playbook needed")]
    private static partial void LogFalseAlarm(ILogger logger, string agentId);

    [LoggerMessage(7202, LogLevel.Warning, "Job {JobId} starts over on another agent: {Reason}")]
    private static partial void LogStartedOver(ILogger logger, string jobId, string reason);

    [LoggerMessage(7203, LogLevel.Warning, "Job {JobId} of hung agent {AgentId}: {Reason}")]
    private static partial void LogNotMoved(ILogger logger, string jobId, string agentId, string reason);

    [LoggerMessage(7204, LogLevel.Warning, "Job {JobId}: what its first attempt left on the server could not all be removed before it starts over: {Reason}")]
    private static partial void LogNotCleaned(ILogger logger, string jobId, string reason);

    [LoggerMessage(7205, LogLevel.Error, "The AGENT_HANG playbook for {AgentId} stopped")]
    private static partial void LogFailed(ILogger logger, string agentId, Exception ex);
}
