using System.Collections.Concurrent;

namespace P4Flow.Workflows.Tests.Support;

/// <summary>Holds a job's background work until the test lets it go, so the test can look at the job meanwhile.</summary>
public sealed class JobGate
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _released = new(StringComparer.Ordinal);

    public async Task PassAsync(string key, CancellationToken cancellationToken)
    {
        Signal(_entered, key).TrySetResult();
        await Signal(_released, key).Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes when work keyed <paramref name="key"/> is waiting at the gate.</summary>
    public Task EnteredAsync(string key) => Signal(_entered, key).Task;

    public void Release(string key) => Signal(_released, key).TrySetResult();

    private static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> map, string key) =>
        map.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
