namespace P4Flow.FaultMatrix;

/// <summary>A fault the matrix can inflict. Quick rows also run in the test suite (tests/Orchestrator.Tests/Reliability).</summary>
public sealed record FaultRow(string Name, bool Quick, Func<Task<RowResult>> Run);

/// <summary>The rows, in the order the table prints them.</summary>
public static class Matrix
{
    /// <param name="burst">Jobs in the orchestrator-kill row's burst (20 in the full matrix).</param>
    public static IReadOnlyList<FaultRow> Rows(int burst = 20) =>
    [
        Row("orchestrator-kill", quick: true, () => ProcessRows.OrchestratorKilledMidBurstAsync(burst)),
        Row("agent-kill", quick: true, ProcessRows.AgentKilledMidCommandAsync),
        Row("agent-twice", quick: true, ProcessRows.SameAgentStartedTwiceAsync),
        Row("cut-10s", quick: true, () => NetworkRows.CutAsync(TimeSpan.FromSeconds(10))),
        Row("cut-60s", quick: false, () => NetworkRows.CutAsync(TimeSpan.FromSeconds(60))),
        Row("cut-300s", quick: false, () => NetworkRows.CutAsync(TimeSpan.FromMinutes(5))),
        Row("disk-full", quick: true, HostRows.WorkspaceDiskFullAsync),
        Row("clock-ahead", quick: true, () => HostRows.AgentClockSkewedAsync(TimeSpan.FromMinutes(5))),
        Row("clock-behind", quick: true, () => HostRows.AgentClockSkewedAsync(TimeSpan.FromMinutes(-5))),
        Row("p4-slow", quick: false, PerforceRows.SlowAsync),
        Row("p4-hung", quick: true, PerforceRows.HungAsync),
        Row("p4-unreachable", quick: true, PerforceRows.UnreachableAsync),
        Row("db-locked-start", quick: true, DatabaseRows.LockedAtStartAsync),
        Row("db-locked-running", quick: false, DatabaseRows.LockedWhileRunningAsync),
        Row("db-readonly-start", quick: true, DatabaseRows.ReadOnlyAtStartAsync),
        Row("continue-restart", quick: true, ProcessRows.RestartedDuringContinueAsync),
    ];

    private static FaultRow Row(string name, bool quick, Func<Task<RowResult>> run) => new(name, quick, run);
}
