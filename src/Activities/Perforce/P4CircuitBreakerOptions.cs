using Microsoft.Extensions.Configuration;
using Polly.CircuitBreaker;

namespace P4Flow.Activities.Perforce;

/// <summary>
/// A `circuit_breaker:` section (`perforce.` per P4PORT, `agents.` per agent): when what it guards keeps failing, its
/// circuit opens for a while. What counts as a failure is the breaker's owner's to say.
/// </summary>
public sealed class P4CircuitBreakerOptions
{
    public const string Section = "circuit_breaker";

    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Share of commands in the sampling window that failed at which the circuit opens (0 &lt; ratio &lt;= 1).</summary>
    [ConfigurationKeyName("failure_ratio")]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Commands the window must hold before the ratio counts.</summary>
    [ConfigurationKeyName("minimum_throughput")]
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>Seconds of the sampling window.</summary>
    [ConfigurationKeyName("sampling_duration")]
    public double SamplingDuration { get; set; } = 30;

    /// <summary>Seconds the circuit stays open before one trial command is let through.</summary>
    [ConfigurationKeyName("break_duration")]
    public double BreakDuration { get; set; } = 30;

    /// <summary>Polly's breaker with these thresholds; the caller adds what counts as a failure and the callbacks.</summary>
    public CircuitBreakerStrategyOptions<T> Strategy<T>() => new()
    {
        FailureRatio = FailureRatio,
        MinimumThroughput = MinimumThroughput,
        SamplingDuration = TimeSpan.FromSeconds(SamplingDuration),
        BreakDuration = TimeSpan.FromSeconds(BreakDuration),
    };
}
