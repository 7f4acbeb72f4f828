namespace P4Flow.Workflows.Runtime;

public sealed class WorkflowEngineOptions
{
    /// <summary>Stage changes kept per job (the seed's max_history_per_job).</summary>
    public int MaxHistoryPerJob { get; set; } = 100;

    /// <summary>
    /// Re-dispatch at start the job and timer bookmarks whose work the scheduler does not hold
    /// (<see cref="IBackgroundActivityScheduler.HeldBookmarks"/>): all of them for one that forgets on restart (in
    /// memory), only those a crash left without work for a durable one.
    /// </summary>
    public bool RedispatchOnRecovery { get; set; } = true;

    /// <summary>
    /// Delayed retries of a failed job activity, by its error class. None by default: the engine does not know which
    /// failures pass; the host says.
    /// </summary>
    public Dictionary<string, JobRetryPolicy> JobRetries { get; } = new(StringComparer.Ordinal);
}
