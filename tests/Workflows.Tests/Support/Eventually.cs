using System.Diagnostics;

namespace P4Flow.Workflows.Tests.Support;

/// <summary>Waits on a condition with a deadline: tests never sleep to wait.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds for its value; fails with <paramref name="describe"/> of the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, Func<T, string> describe, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > limit) Assert.Fail($"Gave up after {limit.TotalSeconds:0.#} s: {describe(value)}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Awaits <paramref name="task"/> or fails with <paramref name="what"/> after the deadline.</summary>
    public static async Task WithinAsync(Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        if (await Task.WhenAny(task, Task.Delay(limit)) != task) Assert.Fail($"Gave up after {limit.TotalSeconds:0.#} s waiting for {what}.");
        await task;
    }
}
