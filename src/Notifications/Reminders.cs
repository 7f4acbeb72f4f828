using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Notifications;

/// <summary>
/// Brings up again a job parked in NEEDS_RESOLVE that nobody has acknowledged: at `notifications.reminders` after it
/// parked (10, 20, 30 and 60 minutes by default), then every `reminder_repeat`. Each reminder's key is its number in
/// that parking, so a pass that runs twice, or late, sends it once; after an outage only the latest is sent.
/// </summary>
internal sealed class Reminders(IWorkflowStore store, NotificationOutbox outbox, IOptions<NotificationOptions> options, TimeProvider clock)
{
    private const int PageSize = 200;

    /// <returns>How many reminders were raised.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!outbox.Routes(Topics.Reminder)) return 0;
        var raised = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        for (var page = 1; page <= 10_000; page++)
        {
            var parked = await store.QueryInstancesAsync(new InstanceQuery(WorkflowStatus.Suspended, JobPayload.NeedsResolveStage, Page: page, PageSize: PageSize), cancellationToken).ConfigureAwait(false);
            foreach (var job in parked.Items)
            {
                var parkedAt = JobPayload.EnteredStage(job);
                if (Acknowledgements.Of(job, parkedAt) is not null) continue;
                var number = DueNumber(options.Value, now - parkedAt);
                if (number == 0) continue;
                var payload = JobPayload.Of(job, options.Value);
                payload["reminder"] = number;
                payload["parkedAt"] = parkedAt;
                var key = $"{job.Id}/{Topics.Reminder}/{parkedAt.Ticks.ToString(CultureInfo.InvariantCulture)}/{number.ToString(CultureInfo.InvariantCulture)}";
                raised += await outbox.RaiseAsync(Topics.Reminder, key, job.Id, payload, cancellationToken).ConfigureAwait(false) > 0 ? 1 : 0;
            }
            if (page * PageSize >= parked.Total) break;
        }
        return raised;
    }

    /// <summary>How many reminders are due after <paramref name="parkedFor"/>: the number of the latest one, 0 for none yet.</summary>
    public static int DueNumber(NotificationOptions options, TimeSpan parkedFor)
    {
        ArgumentNullException.ThrowIfNull(options);
        var at = options.Reminders.Select(Durations.Parse).ToList();
        var due = at.Count(a => a <= parkedFor);
        if (due < at.Count || at.Count == 0) return due;
        var repeat = Durations.Parse(options.ReminderRepeat);
        if (repeat == TimeSpan.Zero) return due;
        return due + (int)Math.Min(100_000, (parkedFor - at[^1]) / repeat);
    }
}

/// <summary>Someone took a parked job: who and when, kept in the job's record for its current parking.</summary>
public sealed record Acknowledgement(string By, DateTime At, DateTime ParkedAt);

/// <summary>Acknowledging a job parked in NEEDS_RESOLVE: it is someone's now, and the reminders stop.</summary>
public sealed class Acknowledgements(Workflows.Runtime.WorkflowRuntime runtime, TimeProvider clock)
{
    public const string OutputKey = "acknowledged";

    /// <exception cref="WorkflowNotFoundException">No such job.</exception>
    /// <exception cref="WorkflowConflictException">The job is not waiting in NEEDS_RESOLVE.</exception>
    public async Task<WorkflowInstance> AcknowledgeAsync(string jobId, string by, CancellationToken cancellationToken)
    {
        // Checked and recorded under the job's lock: of two people acknowledging at once, the first keeps it.
        return await runtime.RecordAsync(jobId, OutputKey, job =>
        {
            if (job.Status != WorkflowStatus.Suspended || job.CurrentStage != JobPayload.NeedsResolveStage)
                throw new WorkflowConflictException($"Job {jobId} is in stage {job.CurrentStage ?? "(none)"}, not {JobPayload.NeedsResolveStage}: there is nothing to acknowledge.");
            var parkedAt = JobPayload.EnteredStage(job);
            if (Of(job, parkedAt) is not null) return null;
            return new JsonObject { ["by"] = by, ["at"] = clock.GetUtcNow().UtcDateTime, ["parkedAt"] = parkedAt };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The acknowledgement of the job's parking that began at <paramref name="parkedAt"/>, if any.</summary>
    public static Acknowledgement? Of(WorkflowInstance job, DateTime parkedAt)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Outputs[OutputKey] is not JsonObject record) return null;
        if (record["parkedAt"]?.GetValue<DateTime>() is not { } at || at != parkedAt) return null;
        return new Acknowledgement(record["by"]?.GetValue<string>() ?? "?", record["at"]?.GetValue<DateTime>() ?? default, at);
    }
}
