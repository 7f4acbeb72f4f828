namespace P4Flow.Studio.Services;

/// <summary>Where a job waiting in QUEUED stands in the admission order (the host provides it).</summary>
public interface IQueuePositions
{
    /// <summary>1 is admitted next; null when the job does not wait.</summary>
    int? PositionOf(string jobId);
}

/// <summary>A host without admission control: no job ever waits.</summary>
public sealed class NoQueuePositions : IQueuePositions
{
    public int? PositionOf(string jobId) => null;
}
