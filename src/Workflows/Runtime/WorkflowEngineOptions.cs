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

    /// <summary>
    /// Delayed retries of a failed job activity, by its error class. None by default: the engine does not know which
    /// failures pass; the host says.
    /// </summary>
    public Dictionary<string, JobRetryPolicy> JobRetries { get; } = new(StringComparer.Ordinal);
}
