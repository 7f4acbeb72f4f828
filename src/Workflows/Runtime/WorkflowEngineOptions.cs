namespace P4Flow.Workflows.Runtime;

public sealed class WorkflowEngineOptions
{
    /// <summary>Stage changes kept per job (the seed's max_history_per_job).</summary>
    public int MaxHistoryPerJob { get; set; } = 100;

    /// <summary>
    /// Re-dispatch job and timer bookmarks on start. Right for a job storage that forgets on restart
    /// (in-memory); a durable job storage still holds them.
    /// </summary>
    public bool RedispatchOnRecovery { get; set; } = true;
}
