namespace P4Flow.Workflows.Runtime;

/// <summary>How the wait between retries grows.</summary>
public enum RetryBackoff
{
    /// <summary>The base delay doubled at each retry: 10, 20, 40 s.</summary>
    Exponential,

    /// <summary>The base delay times the retry's number: 30, 60, 90 s.</summary>
    Linear,

    /// <summary>The base delay every time.</summary>
    Fixed,
}

/// <summary>Retries of a job activity that failed with one error class: how many after the first run, and how long to wait.</summary>
public sealed record JobRetryPolicy(int Attempts, RetryBackoff Backoff, TimeSpan Delay)
{
    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first retry).</summary>
    public TimeSpan DelayBefore(int retry) => Backoff switch
    {
        RetryBackoff.Exponential => Delay * Math.Pow(2, retry - 1),
        RetryBackoff.Linear => Delay * retry,
        _ => Delay,
    };
}
