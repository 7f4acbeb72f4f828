using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using P4Flow.Studio.Services;

namespace P4Flow.Studio.Tests.Services;

public sealed class RefreshThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>The fake clock's step while a test waits for a run that is due: small, so a run's time is known within it.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

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
        var burst = await AdvanceUntilRunAsync(time, runs);
        Assert.InRange(burst, Interval, Interval + Step);
        Assert.False(runs.Reader.TryRead(out _));

        // Nothing more was asked for: the next run is the next request's, at once, however long after.
        time.Advance(TimeSpan.FromSeconds(2));
        var asked = time.GetUtcNow() - start;
        throttle.Request();
        Assert.Equal(asked, await NextAsync(runs));
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
        throttle.Request();
        Assert.Equal(2, await AdvanceUntilRunAsync(time, calls));

        throttle.Dispose();
        throttle.Request();
        time.Advance(Interval * 4);
        Assert.False(calls.Reader.TryRead(out _));
    }

    private static async Task<T> NextAsync<T>(Channel<T> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>
    /// Moves the fake clock a step at a time until the throttle's next run comes: on a busy machine its timer may be
    /// set a moment after a single advance, and would then wait for another (bounded: 60 s of fake time).
    /// </summary>
    private static async Task<T> AdvanceUntilRunAsync<T>(FakeTimeProvider time, Channel<T> channel)
    {
        for (var step = 0; step < 1200; step++)
        {
            time.Advance(Step);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            try
            {
                if (await channel.Reader.WaitToReadAsync(wait.Token) && channel.Reader.TryRead(out var run)) return run;
            }
            catch (OperationCanceledException)
            {
                // Not yet: one more step.
            }
        }
        throw new TimeoutException("the throttle did not run within 60 s of fake time");
    }
}
