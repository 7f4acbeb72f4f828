namespace P4Flow.Agent.Connection;

/// <summary>
/// Exponential backoff with jitter: the n-th consecutive failure waits between half and all of min·2ⁿ, capped at
/// max, so a thousand agents that lost the hub together do not return in one wave.
/// </summary>
internal sealed class Backoff(TimeSpan min, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalSeconds, min.TotalSeconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        var seconds = ceiling / 2 + _random.NextDouble() * ceiling / 2;
        return TimeSpan.FromSeconds(Math.Max(min.TotalSeconds, seconds));
    }

    public void Reset() => _failures = 0;
}
