using System.Text.Json;
using P4Flow.Orchestrator.Audit;
using P4Flow.Studio.Services;

namespace P4Flow.Orchestrator.Operations;

/// <summary>
/// The operator's brake (POST /api/admin/pause): while paused no command is sent to an agent or a Perforce server;
/// commands already running finish, and every job (new ones too) waits before its next command, in the stage it is
/// in, until someone resumes. Kept in state_management.pause_file (data/operator-pause.json) so a restart stays paused; audited both ways.
/// </summary>
public sealed class OperatorPause : IOperationsControl
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly AuditLog _audit;
    private readonly TimeProvider _clock;
    private PauseInfo _state = new(false, null, null, null, 0);
    private TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public OperatorPause(AuditLog audit, TimeProvider clock, Microsoft.Extensions.Options.IOptions<Configuration.StateManagementOptions> options)
    {
        _path = Path.GetFullPath(options.Value.PauseFile);
        _audit = audit;
        _clock = clock;
        if (File.Exists(_path) && JsonSerializer.Deserialize<PauseInfo>(File.ReadAllText(_path), Json) is { Paused: true } stored) _state = stored;
        else _resumed.TrySetResult();
    }

    public PauseInfo Current
    {
        get { lock (_lock) return _state with { Waiting = Volatile.Read(ref _waiting) }; }
    }

    public event EventHandler? Changed;

    public PauseInfo Pause(string? by, string? reason)
    {
        lock (_lock)
        {
            if (_state.Paused) return Current;
            _state = new PauseInfo(true, _clock.GetUtcNow(), by, reason, 0);
            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Save();
            _audit.Write(new AuditEvent(AuditLog.OperationsPaused, null, null, AuditEvent.Accepted, reason ?? "paused") { User = by });
        }
        Changed?.Invoke(this, EventArgs.Empty);
        return Current;
    }

    public PauseInfo Resume(string? by)
    {
        lock (_lock)
        {
            if (!_state.Paused) return Current;
            var held = Volatile.Read(ref _waiting);
            _state = new PauseInfo(false, null, null, null, 0);
            Save();
            _audit.Write(new AuditEvent(AuditLog.OperationsResumed, null, null, AuditEvent.Accepted, $"resumed; {held} command(s) were waiting") { User = by });
            _resumed.TrySetResult();
        }
        Changed?.Invoke(this, EventArgs.Empty);
        return Current;
    }

    /// <summary>Returns at once unless paused; then waits for the resume (or <paramref name="cancellationToken"/>: the job was cancelled).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task resumed;
        lock (_lock) resumed = _resumed.Task;
        if (resumed.IsCompleted) return;
        Interlocked.Increment(ref _waiting);
        Changed?.Invoke(this, EventArgs.Empty);
        try
        {
            await resumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>
    /// Takes the pause (or the resume) another node of the cluster made: the same brake here, not audited again (the
    /// node where the operator acted wrote the audit line).
    /// </summary>
    public void Apply(PauseInfo other)
    {
        ArgumentNullException.ThrowIfNull(other);
        lock (_lock)
        {
            if (_state.Paused == other.Paused) return;
            _state = other with { Waiting = 0 };
            Save();
            if (other.Paused) _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            else _resumed.TrySetResult();
        }
        Changed?.Invoke(this, EventArgs.Empty);
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_state, Json));
        File.Move(temp, _path, overwrite: true);
    }
}
