using System.Diagnostics;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>
/// Runs named steps one after the other, each under its own timeout: reports each as it starts and ends (progress
/// and the structured log), and turns any failure into a <see cref="BootstrapFailedException"/> naming the step.
/// </summary>
internal sealed class StepRunner(string agent, IProgress<BootstrapStepEvent>? progress, ILogger logger, TimeProvider clock)
{
    private readonly List<BootstrapStepEvent> _steps = [];
    private string? _warning;

    public IReadOnlyList<BootstrapStepEvent> Steps
    {
        get { lock (_steps) return [.. _steps]; }
    }

    /// <summary>The running step ends as a warning with this message (it still succeeds).</summary>
    public void Warn(string message) => _warning = message;

    public async Task<T> RunAsync<T>(string step, TimeSpan timeout, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        _warning = null;
        Report(new BootstrapStepEvent(step, StepStatus.Running, null, 0, clock.GetUtcNow()));
        var watch = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var result = await body(limit.Token).ConfigureAwait(false);
            var status = _warning is null ? StepStatus.Succeeded : StepStatus.Warning;
            var outcome = status == StepStatus.Succeeded ? "succeeded" : "warning";
            Report(new BootstrapStepEvent(step, status, _warning, watch.ElapsedMilliseconds, clock.GetUtcNow()));
            BootstrapLog.StepEnded(logger, agent, step, outcome, watch.ElapsedMilliseconds, _warning);
            return result;
        }
        catch (Exception ex) when (ex is not BootstrapFailedException)
        {
            var message = ex switch
            {
                OperationCanceledException when !cancellationToken.IsCancellationRequested => $"timed out after {timeout.TotalSeconds:0.#} s",
                OperationCanceledException => "cancelled",
                BootstrapStepException => ex.Message,
                _ => $"{ex.GetType().Name}: {ex.Message}",
            };
            Report(new BootstrapStepEvent(step, StepStatus.Failed, message, watch.ElapsedMilliseconds, clock.GetUtcNow()));
            BootstrapLog.StepFailed(logger, agent, step, watch.ElapsedMilliseconds, message);
            throw new BootstrapFailedException(step, message, ex);
        }
    }

    public Task RunAsync(string step, TimeSpan timeout, Func<CancellationToken, Task> body, CancellationToken cancellationToken) =>
        RunAsync(step, timeout, async ct =>
        {
            await body(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private void Report(BootstrapStepEvent step)
    {
        lock (_steps) _steps.Add(step);
        progress?.Report(step);
    }
}
