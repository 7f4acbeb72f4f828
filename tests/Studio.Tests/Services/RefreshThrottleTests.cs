using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Tests.Services;

public sealed class RefreshThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Request_FirstAtOnce_ABurstOnceAfterTheInterval_QuietThenAtOnceAgain()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var runs = Channel.CreateUnbounded<TimeSpan>();
        using var throttle = new RefreshThrottle(Interval, () =>
        {
            runs.Writer.TryWrite(time.GetUtcNow() - start);
            return Task.CompletedTask;
        }, time);

        throttle.Request();
        Assert.Equal(TimeSpan.Zero, await NextAsync(runs));

        // Twenty moves within the interval: one re-read for them all, when the interval is over.
        for (var i = 0; i < 20; i++) throttle.Request();
        time.Advance(Interval);
        Assert.Equal(Interval, await NextAsync(runs));

        // Nothing more was asked for: the next run is the next request's, at once, however long after.
        time.Advance(Interval);
        time.Advance(TimeSpan.FromSeconds(1));
        throttle.Request();
        Assert.Equal(TimeSpan.FromSeconds(2), await NextAsync(runs));
    }

    [Fact]
    public async Task Request_WorkThatThrows_NextRequestStillRuns_AfterDisposeNothingRuns()
    {
        var time = new FakeTimeProvider();
        var calls = Channel.CreateUnbounded<int>();
        var count = 0;
        var throttle = new RefreshThrottle(Interval, () =>
        {
            calls.Writer.TryWrite(++count);
            throw new InvalidOperationException("the circuit is gone");
        }, time);

        throttle.Request();
        Assert.Equal(1, await NextAsync(calls));
        time.Advance(Interval);
        throttle.Request();
        time.Advance(Interval);
        Assert.Equal(2, await NextAsync(calls));

        throttle.Dispose();
        time.Advance(Interval);
        throttle.Request();
        time.Advance(Interval);
        Assert.False(calls.Reader.TryRead(out _));
    }

    private static async Task<T> NextAsync<T>(Channel<T> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}
