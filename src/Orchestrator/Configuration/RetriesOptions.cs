using Microsoft.Extensions.Configuration;
using P4Flow.Activities.Perforce;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Configuration;

/// <summary>
/// The retries section: delayed retries of a failed p4 activity, per error class, run by Hangfire. Other classes
/// (AUTH, CONFLICT, ...) fail the job at once: waiting does not cure them.
/// </summary>
public sealed class RetriesOptions
{
    public const string Section = "retries";

    [ConfigurationKeyName(P4ErrorClass.NetworkError)]
    public RetryPolicyOptions NetworkError { get; set; } = new() { Attempts = 3, Backoff = "exponential", Delay = 10 };

    [ConfigurationKeyName(P4ErrorClass.Locked)]
    public RetryPolicyOptions Locked { get; set; } = new() { Attempts = 5, Backoff = "linear", Delay = 30 };

    [ConfigurationKeyName(P4ErrorClass.Timeout)]
    public RetryPolicyOptions Timeout { get; set; } = new() { Attempts = 2, Backoff = "fixed", Delay = 60 };

    /// <summary>Each error class with its policy, as the engine takes them.</summary>
    public IEnumerable<(string ErrorClass, RetryPolicyOptions Policy)> ByErrorClass() =>
        [(P4ErrorClass.NetworkError, NetworkError), (P4ErrorClass.Locked, Locked), (P4ErrorClass.Timeout, Timeout)];
}

public sealed class RetryPolicyOptions
{
    public static readonly IReadOnlyList<string> Backoffs = ["exponential", "linear", "fixed"];

    /// <summary>Retries after the first run; 0 turns retries of the class off.</summary>
    [ConfigurationKeyName("attempts")]
    public int Attempts { get; set; }

    /// <summary>exponential (delay doubles), linear (delay times the retry's number) or fixed.</summary>
    [ConfigurationKeyName("backoff")]
    public string Backoff { get; set; } = "fixed";

    /// <summary>Seconds before the first retry: the base the backoff grows from.</summary>
    [ConfigurationKeyName("delay")]
    public int Delay { get; set; } = 30;

    public JobRetryPolicy ToPolicy() => new(Attempts, Enum.Parse<RetryBackoff>(Backoff, ignoreCase: true), TimeSpan.FromSeconds(Delay));
}
