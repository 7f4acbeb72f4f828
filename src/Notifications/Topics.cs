namespace P4Flow.Notifications;

/// <summary>The events P4Flow tells people about, by the names `notifications.events` uses.</summary>
public static class Topics
{
    /// <summary>A job parked in NEEDS_RESOLVE: conflicts wait for a person.</summary>
    public const string NeedsResolve = "needs_resolve";
    /// <summary>A person pressed Continue and conflicts are still there.</summary>
    public const string ContinueConflicts = "continue_conflicts";
    /// <summary>A job still parked in NEEDS_RESOLVE that nobody has acknowledged.</summary>
    public const string Reminder = "reminder";
    public const string Failed = "failed";
    public const string Completed = "completed";
    public const string AgentLost = "agent_lost";
    public const string AgentCircuitOpen = "agent_circuit_open";
    public const string ServerCircuitOpen = "server_circuit_open";
    /// <summary>An alert Prometheus fired (or resolved), received from Alertmanager.</summary>
    public const string Alert = "alert";
    /// <summary>A recovery playbook handled something (the orchestrator's unclean stop, ...): what it saw and did.</summary>
    public const string Incident = "incident";

    public static readonly IReadOnlyList<string> All =
        [NeedsResolve, ContinueConflicts, Reminder, Failed, Completed, AgentLost, AgentCircuitOpen, ServerCircuitOpen, Alert, Incident];
}
