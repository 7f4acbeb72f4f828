using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Observability;

/// <summary>Which stages a committed step entered and left, read from the job's stage history.</summary>
internal static class StepStages
{
    /// <summary>
    /// Index in the stage history of the first stage entered by the step: the one after the entry of the stage the
    /// step began in (the last entry of that stage made before the step began); 0 when the job had no stage yet.
    /// </summary>
    public static int FirstNew(WorkflowInstance instance, JobSnapshot before)
    {
        var history = instance.StageHistory;
        if (before.Stage is null) return 0;
        for (var i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].EnteredAt <= before.At && string.Equals(history[i].Stage, before.Stage, StringComparison.Ordinal)) return i + 1;
        }
        // Trimmed away by max_history_per_job: count by time alone.
        return history.Count - history.Count(s => s.EnteredAt > before.At);
    }

    /// <summary>Stages entered by the step, in order.</summary>
    public static IEnumerable<StageChange> Entered(WorkflowInstance instance, JobSnapshot before) =>
        instance.StageHistory.Skip(FirstNew(instance, before));

    /// <summary>
    /// Stages the step left, with the time spent in each: the one it began in and any it passed through. The final
    /// stages (COMPLETED, FAILED, CANCELLED) are never left.
    /// </summary>
    public static IEnumerable<(string Stage, double Seconds)> Left(WorkflowInstance instance, JobSnapshot before)
    {
        var history = instance.StageHistory;
        var first = FirstNew(instance, before);
        if (first >= history.Count) yield break;
        for (var i = Math.Max(first - 1, 0); i < history.Count - 1; i++)
            yield return (history[i].Stage, Math.Max(0, (history[i + 1].EnteredAt - history[i].EnteredAt).TotalSeconds));
    }
}
