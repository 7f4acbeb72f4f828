namespace P4Flow.P4Sim.Output;

/// <summary>Message severities as the p4 client numbers them.</summary>
internal enum Severity
{
    Info = 1,
    Warning = 2,
    Failed = 3,
    Fatal = 4,
}
