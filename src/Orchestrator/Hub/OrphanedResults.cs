using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>
/// Results nobody was waiting for (the hub restarted, the caller gave up), kept for ten minutes for a caller that sends
/// the same command of the same job again: it gets this result instead of running the command twice.
/// Not thread-safe: the registry's lock guards it.
/// </summary>
internal sealed class OrphanedResults(TimeProvider clock)
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private readonly Dictionary<(string Job, string Fingerprint), (CommandResult Result, DateTimeOffset At)> _results = [];

    public void Keep(string jobId, string fingerprint, CommandResult result) => _results[(jobId, fingerprint)] = (result, clock.GetUtcNow());

    /// <summary>Takes the kept result of the same command of the same job, if there is one still fresh.</summary>
    public bool TryTake(string jobId, string fingerprint, out CommandResult result)
    {
        Prune();
        var found = _results.Remove((jobId, fingerprint), out var kept);
        result = kept.Result;
        return found;
    }

    private void Prune()
    {
        if (_results.Count == 0) return;
        var oldest = clock.GetUtcNow() - Retention;
        foreach (var key in _results.Where(o => o.Value.At < oldest).Select(o => o.Key).ToList()) _results.Remove(key);
    }
}
