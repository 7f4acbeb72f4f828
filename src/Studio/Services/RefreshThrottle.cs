namespace P4Flow.Studio.Services;

/// <summary>
/// Runs a view's re-read when something it shows changed, at most once per <c>interval</c> however many changes come:
/// the first request of a quiet spell runs at once, the ones that come during a run or the interval after it are served
/// by one more run when the interval is over. <see cref="Request"/> only queues (it is called on a writer's thread);
/// the re-read runs on the thread pool and goes to the circuit itself (InvokeAsync).
/// </summary>
public sealed class RefreshThrottle : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Func<Task> _work;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private bool _wanted;
    private bool _running;
    private long? _lastRun;

    public RefreshThrottle(TimeSpan interval, Func<Task> work, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        _interval = interval;
        _work = work;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Asks for a run: now, or after the interval when one ran within it.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested) return;
            _wanted = true;
            if (_running) return;
            _running = true;
        }
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                if (_lastRun is { } last && _time.GetElapsedTime(last) is var since && since < _interval)
                    await Task.Delay(_interval - since, _time, _disposed.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (_disposed.IsCancellationRequested || !_wanted)
                    {
                        _running = false;
                        return;
                    }
                    _wanted = false;
                }
                _lastRun = _time.GetTimestamp();
                try
                {
                    await _work().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The view missed one re-read (its circuit went, or the store did not answer): the next change, or
                    // opening the page again, reads it anew. The loop must not die, or it would never read again.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed while waiting: nothing runs any more.
            lock (_gate) _running = false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested) return;
            _disposed.Cancel();
        }
        // Not disposing the token source itself: a loop may still be reading its token; it is collected with the page.
    }
}
