using System.Collections.Concurrent;

namespace P4Flow.Branches.Watch;

/// <summary>
/// Bot jobs that left NEEDS_RESOLVE since the watcher last looked (the host notes them as their steps commit). A pass
/// asks the store only about those of its parked changes, not about every parked change every time: with thousands
/// parked that read was most of an idle pass. A full look now and then covers what a restart forgot.
/// </summary>
public sealed class BranchJobMoves
{
    private readonly ConcurrentDictionary<string, byte> _moved = new(StringComparer.Ordinal);

    /// <summary>The job left NEEDS_RESOLVE (a person continued it, it was cancelled, or it failed there).</summary>
    public void LeftParking(string jobId) => _moved[jobId] = 0;

    /// <summary>Whether the job moved since it was last taken; taking it forgets it.</summary>
    public bool Take(string jobId) => _moved.TryRemove(jobId, out _);
}
