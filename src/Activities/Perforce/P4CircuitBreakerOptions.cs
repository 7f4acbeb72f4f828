using Microsoft.Extensions.Configuration;

namespace P4Flow.Activities.Perforce;

/// <summary>
/// The `perforce.circuit_breaker:` section: when a server (one P4PORT) keeps failing with network errors, its
/// commands fail at once for a while instead of each waiting for a connect timeout on an agent.
/// </summary>
public sealed class P4CircuitBreakerOptions
{
    public const string Section = "circuit_breaker";

    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Share of commands in the sampling window that failed with NETWORK_ERROR at which the circuit opens (0 &lt; ratio &lt;= 1).</summary>
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
}
