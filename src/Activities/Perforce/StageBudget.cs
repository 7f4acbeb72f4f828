using P4Flow.Workflows.State;

namespace P4Flow.Activities.Perforce;

/// <summary>
/// A stage's time budget (perforce.stage_timeouts, the seed's SYNC 600 s, INTEGRATE 1800, ...) covers the whole stage:
/// every command of it and every retry, from the moment the job entered it. Each command gets what is left as its
/// timeout, so a stage of five commands cannot take five budgets; when it runs out the running command is stopped
/// (SIGTERM, then SIGKILL after the agent's kill_grace) and the job fails TIMEOUT, naming the stage and the budget,
/// without a retry. Time spent waiting for an agent (WAITING_FOR_AGENT) does not count: the stage starts again after it.
/// </summary>
/// <param name="At">When the budget runs out (UTC).</param>
public sealed record StageBudget(string Stage, int Seconds, DateTime At)
{
    /// <summary>The budget of the stage the job is in now, or null when that stage has none (or it is not <paramref name="stage"/>).</summary>
    /// <param name="own">The activity's own budget (its `budget` input), over the configured one.</param>
    public static StageBudget? Of(WorkflowInstance job, string? stage, PerforceOptions options, int? own = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(options);
        if (stage is null || job.CurrentStage != stage) return null;
        if (own is not { } seconds && !options.StageTimeouts.TryGetValue(stage, out seconds)) return null;
        var entered = job.StageHistory.LastOrDefault(h => h.Stage == stage)?.EnteredAt;
        return entered is null ? null : new StageBudget(stage, seconds, DateTime.SpecifyKind(entered.Value, DateTimeKind.Utc).AddSeconds(seconds))
        {
            Source = own is null ? $"perforce.stage_timeouts.{stage}" : "the activity's budget input",
        };
    }

    /// <summary>The timeout for the stage's next command: what is left of the budget, at least a second.</summary>
    /// <exception cref="JobFailedException">Nothing is left.</exception>
    public TimeSpan Remaining(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var left = At - clock.GetUtcNow().UtcDateTime;
        if (left <= TimeSpan.Zero) throw Spent("before its next command could start");
        return left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
    }

    /// <summary>Where the budget was set, for the message: the activity's input, else the configuration.</summary>
    public string Source { get; init; } = "";

    public JobFailedException Spent(string when) =>
        new($"Stage {Stage} used up its budget of {Seconds} s ({Source}) {when}.", P4ErrorClass.Timeout, retryable: false);
}
