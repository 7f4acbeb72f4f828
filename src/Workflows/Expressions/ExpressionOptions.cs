namespace P4Flow.Workflows.Expressions;

/// <summary>Limits every JavaScript expression runs under, so a runaway script fails its activity instead of the engine.</summary>
public sealed class ExpressionOptions
{
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
    public long MemoryLimitBytes { get; set; } = 32 * 1024 * 1024;
    public int RecursionLimit { get; set; } = 200;
    public int MaxStatements { get; set; } = 1_000_000;
}
