using P4Flow.Agent.Connection;

namespace P4Flow.Agent.Tests.Connection;

public sealed class BackoffTests
{
    [Fact]
    public void Next_RepeatedFailures_GrowsWithJitterAndStaysWithinOneToSixtySeconds()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(42));

        var delays = Enumerable.Range(0, 12).Select(_ => backoff.Next().TotalSeconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, 1, 60));
        Assert.True(delays[5] > delays[0]);
        Assert.InRange(delays[^1], 30, 60);
        Assert.True(delays.Skip(7).Distinct().Count() > 1, "jitter spreads the capped delays");
    }

    [Fact]
    public void Reset_AfterFailures_StartsAgainAtTheMinimum()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        for (var i = 0; i < 8; i++) backoff.Next();

        backoff.Reset();

        Assert.InRange(backoff.Next().TotalSeconds, 1, 1.0001);
    }
}
