namespace P4Flow.Studio.Services;

/// <param name="Paused">True while no command goes to an agent or a Perforce server.</param>
/// <param name="Waiting">Commands held right now.</param>
public sealed record PauseInfo(bool Paused, DateTimeOffset? Since, string? By, string? Reason, int Waiting);

/// <summary>The operator's pause of every command, as the Studio shows and switches it (the host provides it).</summary>
public interface IOperationsControl
{
    PauseInfo Current { get; }

    /// <summary>Raised (on any thread) when it is paused or resumed, or the number of held commands changes.</summary>
    event EventHandler? Changed;

    PauseInfo Pause(string? by, string? reason);

    PauseInfo Resume(string? by);
}

/// <summary>A host without commands to pause: never paused.</summary>
public sealed class NoOperationsControl : IOperationsControl
{
    public PauseInfo Current { get; } = new(false, null, null, null, 0);

    public event EventHandler? Changed
    {
        add { }
        remove { }
    }

    public PauseInfo Pause(string? by, string? reason) => throw new InvalidOperationException("This orchestrator runs no commands to pause.");

    public PauseInfo Resume(string? by) => Current;
}
