using System.Diagnostics;

namespace P4Flow.TestSupport;

/// <summary>Waits on a condition with a deadline instead of sleeping.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        T last = default!;
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = await probe();
                if (done(last)) return last;
            }
            catch (HttpRequestException)
            {
                // The server may still be starting or restarting.
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last seen: {last}");
    }
}
