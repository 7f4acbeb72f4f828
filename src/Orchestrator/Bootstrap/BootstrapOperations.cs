using System.Collections.Concurrent;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>A bootstrap, restart or removal as GET /api/agents/operations/{id} shows it, steps included as they happen.</summary>
public sealed record OperationView(string Id, string Kind, string AgentName, string Status, IReadOnlyList<BootstrapStepEvent> Steps,
    string? AgentId, string? FailedStep, string? Error, long? DurationMs, DateTimeOffset StartedAt);

/// <summary>
/// Runs bootstraps, restarts and removals in the background and keeps their steps, so callers (the API, the
/// Studio, the CLI through the API) can watch them live. The last <see cref="Kept"/> operations are kept.
/// </summary>
public sealed class BootstrapOperations(BootstrapService service, IHostApplicationLifetime lifetime, TimeProvider clock)
{
    public const int Kept = 200;
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);

    /// <summary>Starts a bootstrap (the request must have been validated).</summary>
    public Operation Bootstrap(BootstrapRequest request) =>
        Start("bootstrap", request.AgentName!, (progress, ct) => service.BootstrapAsync(request, progress, ct));

    /// <exception cref="KeyNotFoundException">No such enrolled agent.</exception>
    public Operation Restart(string name, string requestedBy) => Start("restart", name, Enrolled(name, (progress, ct) => service.RestartAsync(name, requestedBy, progress, ct)));

    /// <exception cref="KeyNotFoundException">No such enrolled agent.</exception>
    public Operation Remove(string name, string requestedBy) => Start("remove", name, Enrolled(name, (progress, ct) => service.RemoveAsync(name, requestedBy, progress, ct)));

    public Operation? Find(string id) => _operations.GetValueOrDefault(id);

    private Func<IProgress<BootstrapStepEvent>, CancellationToken, Task<BootstrapOutcome>> Enrolled(string name, Func<IProgress<BootstrapStepEvent>, CancellationToken, Task<BootstrapOutcome>> run)
    {
        if (!service.IsEnrolled(name)) throw new KeyNotFoundException($"no agent named '{name}' was enrolled over SSH");
        return run;
    }

    /// <exception cref="InvalidOperationException">Another operation on the same agent is running.</exception>
    private Operation Start(string kind, string name, Func<IProgress<BootstrapStepEvent>, CancellationToken, Task<BootstrapOutcome>> run)
    {
        var operation = new Operation(Guid.NewGuid().ToString("N")[..12], kind, name, clock.GetUtcNow());
        lock (_operations)
        {
            // Two operations on one agent would stop, replace and start its files under each other.
            if (_operations.Values.FirstOrDefault(o => o.AgentName == name && o.Outcome is null) is { } running)
                throw new InvalidOperationException($"a {running.Kind} of agent '{name}' is running (operation {running.Id})");
            _operations[operation.Id] = operation;
        }
        foreach (var old in _operations.Values.OrderByDescending(o => o.StartedAt).Skip(Kept)) _operations.TryRemove(old.Id, out _);
        _ = Task.Run(async () =>
        {
            try
            {
                operation.Outcome = await run(operation, lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (Exception ex) // whatever went wrong, the operation must end and say why rather than stay "running"
            {
                operation.Outcome = new BootstrapOutcome(false, name, null, null, ex.Message, 0, operation.Steps);
            }
            operation.Signal();
        });
        return operation;
    }

    /// <summary>One operation: its steps so far and, once done, its outcome. Watchers await <see cref="Changed"/>.</summary>
    public sealed class Operation(string id, string kind, string agentName, DateTimeOffset startedAt) : IProgress<BootstrapStepEvent>
    {
        private readonly List<BootstrapStepEvent> _steps = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id { get; } = id;
        public string Kind { get; } = kind;
        public string AgentName { get; } = agentName;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public BootstrapOutcome? Outcome { get; internal set; }

        public IReadOnlyList<BootstrapStepEvent> Steps
        {
            get { lock (_steps) return [.. _steps]; }
        }

        /// <summary>Completes at the next step event or at the end.</summary>
        public Task Changed
        {
            get { lock (_steps) return _changed.Task; }
        }

        public OperationView View() => new(Id, Kind, AgentName, Outcome is null ? Running : Outcome.Succeeded ? Succeeded : Failed, Steps,
            Outcome?.AgentId, Outcome?.FailedStep, Outcome?.Error, Outcome?.DurationMs, StartedAt);

        public void Report(BootstrapStepEvent value)
        {
            lock (_steps) _steps.Add(value);
            Signal();
        }

        internal void Signal()
        {
            TaskCompletionSource previous;
            lock (_steps)
            {
                previous = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            previous.TrySetResult();
        }
    }
}
