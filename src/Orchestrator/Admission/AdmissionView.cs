namespace P4Flow.Orchestrator.Admission;

/// <summary>Admission as GET /api/admission shows it: the limits, what the admitted jobs hold, and who waits in which order.</summary>
/// <param name="Admitted">Jobs admitted and working (pending, running, waiting for a command or a retry).</param>
/// <param name="Parked">Admitted jobs waiting for a person (NEEDS_RESOLVE): they hold no place until they go on.</param>
public sealed record AdmissionView(
    int MaxConcurrentJobs,
    double CpuCores,
    double MemoryGb,
    int PriorityAging,
    bool Paused,
    int Admitted,
    int Parked,
    double CpuCoresUsed,
    double MemoryGbUsed,
    IReadOnlyList<QueuedJob> Waiting);

/// <summary>A job waiting in QUEUED.</summary>
/// <param name="Position">1 is admitted next.</param>
/// <param name="Priority">What the job asked for (urgent, high, default, low).</param>
/// <param name="EffectivePriority">Its priority after aging.</param>
/// <param name="Reason">Why it waits now.</param>
public sealed record QueuedJob(
    string JobId,
    string Name,
    int Position,
    string Priority,
    string EffectivePriority,
    DateTime WaitingSince,
    double CpuCores,
    double MemoryGb,
    string Reason);
