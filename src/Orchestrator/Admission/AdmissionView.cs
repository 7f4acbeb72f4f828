namespace P4Flow.Orchestrator.Admission;

/// <summary>Admission as GET /api/admission shows it: the limits, what the admitted jobs hold, and who waits in which order.</summary>
/// <param name="Admitted">Jobs admitted and working (pending, running, waiting for a command or a retry).</param>
/// <param name="Parked">Admitted jobs waiting for a person (NEEDS_RESOLVE): they hold no place until they go on.</param>
/// <param name="Node">In a cluster, the node this admission is (each node admits the jobs started or taken over there); null on one node.</param>
/// <param name="Nodes">In a cluster, the other live nodes' admission, as they wrote it a few seconds ago.</param>
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
    IReadOnlyList<QueuedJob> Waiting,
    string? Node = null,
    IReadOnlyList<AdmissionView>? Nodes = null);

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
