using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// The engine's own scheduler: a few workers in this process, "high" work before "default" before "low", timers and
/// retries on <see cref="TimeProvider"/>. Nothing survives the process (the host's <see cref="WorkflowEngineOptions.RedispatchOnRecovery"/>
/// covers that); a host that needs durable or shared scheduling plugs in its own <see cref="IBackgroundActivityScheduler"/>.
/// </summary>
public sealed partial class InProcessActivityScheduler : IBackgroundActivityScheduler, IAsyncDisposable, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _clock;
    private readonly ILogger<InProcessActivityScheduler> _logger;
    private readonly PriorityQueue<Func<BackgroundActivityInvoker, CancellationToken, Task>, (int Queue, long Order)> _ready = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;
    private long _order;

    public InProcessActivityScheduler(IServiceProvider services, TimeProvider clock, ILogger<InProcessActivityScheduler> logger, int workers = 8)
    {
        (_services, _clock, _logger) = (services, clock, logger);
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync))];
    }

    public void ScheduleRun(string instanceId, string queue) => Enqueue(queue, (invoker, token) => invoker.RunAsync(instanceId, token));

    public void ScheduleBookmark(Bookmark bookmark, string queue)
    {
        ArgumentNullException.ThrowIfNull(bookmark);
        var (instanceId, bookmarkId) = (bookmark.InstanceId, bookmark.Id);
        switch (bookmark.Dispatch)
        {
            case BookmarkDispatch.Job:
                RunJob(instanceId, bookmarkId, queue, retriesSoFar: 0);
                break;
            case BookmarkDispatch.Timer:
                var wait = (bookmark.ResumeAt ?? DateTime.UtcNow) - _clock.GetUtcNow().UtcDateTime;
                After(wait, () => Enqueue(queue, (invoker, token) => invoker.FireTimerAsync(instanceId, bookmarkId, token)));
                break;
            case BookmarkDispatch.External:
            default:
                break;
        }
    }

    private void RunJob(string instanceId, string bookmarkId, string queue, int retriesSoFar) =>
        Enqueue(queue, async (invoker, token) =>
        {
            if (await invoker.RunJobAsync(instanceId, bookmarkId, retriesSoFar, mayRetry: true, token).ConfigureAwait(false) is { } retry)
                After(retry.Delay, () => RunJob(instanceId, bookmarkId, queue, retry.Retry));
        });

    private void After(TimeSpan wait, Action then)
    {
        if (wait <= TimeSpan.Zero)
        {
            then();
            return;
        }
        _ = Task.Delay(wait, _clock, _stopping.Token).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) then();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Enqueue(string queue, Func<BackgroundActivityInvoker, CancellationToken, Task> work)
    {
        var rank = queue switch { "high" => 0, "low" => 2, _ => 1 };
        lock (_ready) _ready.Enqueue(work, (rank, _order++));
        _signal.Release();
    }

    private async Task WorkAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Func<BackgroundActivityInvoker, CancellationToken, Task>? work;
            lock (_ready) _ready.TryDequeue(out work, out _);
            if (work is null) continue;
            try
            {
                await work(_services.GetRequiredService<BackgroundActivityInvoker>(), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogWorkFailed(_logger, ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        // Work in flight sees the token; a worker stuck past that is left to the process's end.
        await Task.WhenAny(Task.WhenAll(_workers), Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)).ConfigureAwait(false);
        _stopping.Dispose();
        _signal.Dispose();
    }

    public void Dispose()
    {
        if (!_stopping.IsCancellationRequested) _stopping.Cancel();
    }

    [LoggerMessage(1005, LogLevel.Error, "Background work of the engine failed")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception);
}
