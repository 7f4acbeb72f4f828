using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;
using P4Flow.Orchestrator.BackgroundJobs;
using P4Flow.Orchestrator.Hub;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Incidents;

/// <summary>
/// P4_SERVER_DOWN (seed 8.3): a command found a named server unreachable. Verify with a short `p4 info`; switch the
/// server to its backup_port when one is configured and answers (new commands and waiting retries go there first);
/// otherwise hold new jobs for that server in QUEUED; then look again every perforce.recovery_check_interval seconds and,
/// when the server answers, go back to it and let the held jobs run. One run per server at a time; recorded as an
/// incident when it switches or holds (outcome open) and again when the server is back (recovered).
/// </summary>
internal sealed partial class P4ServerDownPlaybook(
    IServiceProvider services,
    P4ServerStatus status,
    IncidentLog incidents,
    IOptions<PerforceOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<P4ServerDownPlaybook> logger) : IP4ServerObserver
{
    public const string Playbook = "P4_SERVER_DOWN";
    /// <summary>A server that does not answer `p4 info` in this long counts as down.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public void Unreachable(P4Target target, string port)
    {
        ArgumentNullException.ThrowIfNull(target);
        // A job's raw p4port is a throwaway server: nothing to switch or hold.
        if (options.Value.ServerFor(target.Server.Name) is not { } server) return;
        var seen = clock.GetUtcNow();
        _running.GetOrAdd(server.Name, name => Task.Run(async () =>
        {
            try
            {
                await RunAsync(server, target, port, seen, lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Stopping: the next start begins afresh (the first command that fails starts it again).
            }
            catch (Exception ex)
            {
                LogFailed(logger, name, ex);
            }
            finally
            {
                _running.TryRemove(name, out _);
            }
        }));
    }

    private async Task RunAsync(P4Server server, P4Target trigger, string port, DateTimeOffset seen, CancellationToken stopping)
    {
        var name = server.Name;
        var primary = server.Options.Port;
        var backup = server.Options.BackupPort;
        var job = JobCleanupJobs.JobOfRun(trigger.JobId) ?? trigger.JobId;
        var probe = trigger with { JobId = JobCleanupJobs.RunIdOf(job), Budget = null };
        var steps = new List<IncidentStep> { new("detect", seen, "done", $"a command of job {job} could not reach {port}") };

        var (answers, said) = await AnswersAsync(probe, primary, stopping).ConfigureAwait(false);
        if (answers)
        {
            // The server is fine (a moment's network trouble, or the backup failed): nothing to do.
            LogFalseAlarm(logger, name, primary);
            if (status.IsOnBackup(name) || status.HeldBecause(name) is not null) status.Recovered(name);
            return;
        }
        steps.Add(new("verify_connection", clock.GetUtcNow(), "done", $"`p4 info` on {primary} got no answer within {ProbeTimeout.TotalSeconds:0} s: {said}"));

        var switched = false;
        if (string.IsNullOrEmpty(backup))
        {
            steps.Add(new("switch_to_backup", clock.GetUtcNow(), "skipped", $"perforce.servers.{name} has no backup_port"));
        }
        else
        {
            var (backupAnswers, backupSaid) = await AnswersAsync(probe, backup, stopping).ConfigureAwait(false);
            if (backupAnswers)
            {
                status.SwitchToBackup(name);
                switched = true;
                steps.Add(new("switch_to_backup", clock.GetUtcNow(), "done", $"commands for {name} go to {backup} first, waiting retries too"));
            }
            else
            {
                steps.Add(new("switch_to_backup", clock.GetUtcNow(), "failed", $"the backup {backup} does not answer either: {backupSaid}"));
            }
        }
        if (switched)
        {
            steps.Add(new("pause_jobs", clock.GetUtcNow(), "skipped", "its backup answers: jobs go on there"));
        }
        else
        {
            status.Hold(name, $"Perforce server {name} is down ({primary} has not answered since {seen.UtcDateTime:HH:mm:ss} UTC)");
            steps.Add(new("pause_jobs", clock.GetUtcNow(), "done", $"new jobs for {name} wait in QUEUED until it answers"));
        }
        var incident = new Incident(Guid.NewGuid().ToString("N"), Playbook, seen, null, "open",
            switched ? $"Perforce server {name} ({primary}) is down; switched to its backup {backup}." : $"Perforce server {name} ({primary}) is down; new jobs for it wait.",
            [.. steps]);
        await incidents.RecordAsync(incident, CancellationToken.None).ConfigureAwait(false);

        var interval = TimeSpan.FromSeconds(options.Value.RecoveryCheckInterval);
        var looks = 0;
        while (true)
        {
            await Task.Delay(interval, clock, stopping).ConfigureAwait(false);
            looks++;
            if ((await AnswersAsync(probe, primary, stopping).ConfigureAwait(false)).Answers) break;
        }
        status.Recovered(name);
        var back = clock.GetUtcNow();
        steps.Add(new("wait_for_recovery", back, "done",
            $"{primary} answered again after {(back - seen).TotalSeconds:0} s ({looks} look(s)); commands go there first{(switched ? "" : ", held jobs run")}"));
        await incidents.RecordAsync(incident with { EndedAt = back, Outcome = Incident.Recovered, Steps = [.. steps] }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Whether the port answers `p4 info` (any answer but a network error: a login error is an answer); what it said.</summary>
    private async Task<(bool Answers, string Said)> AnswersAsync(P4Target probe, string port, CancellationToken stopping)
    {
        var p4 = services.GetRequiredService<P4Client>();
        try
        {
            var output = await p4.ProbeAsync(probe, port, ProbeTimeout, stopping).ConfigureAwait(false);
            var said = output.Text.Split('\n', 2)[0].Trim();
            return (!output.Result.TimedOut && P4ErrorClass.Classify(output) != P4ErrorClass.NetworkError, said.Length > 0 ? said : $"exit {output.Result.ExitCode}");
        }
        catch (JobFailedException ex)
        {
            return (false, ex.Message);
        }
        catch (OperationCanceledException ex) when (!stopping.IsCancellationRequested)
        {
            // The probe runs under the job's cleanup id: the job's cleanup ending releases it and cancels the probe
            // in flight. That look got no answer; the next one asks again, rather than the playbook stopping unrecovered.
            return (false, ex.Message);
        }
        finally
        {
            // The probe ran on the job's agent under the job's run id: that agent need not keep it.
            if (services.GetService<AgentRegistry>() is { } registry && registry.AgentOf(probe.JobId) is not null)
                registry.ReleaseJob(probe.JobId, "server probe ended", succeeded: true);
        }
    }

    [LoggerMessage(7101, LogLevel.Information, "Perforce server {Server}: {Port} answers `p4 info`; no playbook needed")]
    private static partial void LogFalseAlarm(ILogger logger, string server, string port);

    [LoggerMessage(7102, LogLevel.Error, "The P4_SERVER_DOWN playbook for {Server} stopped")]
    private static partial void LogFailed(ILogger logger, string server, Exception ex);
}
