using System.Globalization;

namespace P4Flow.TestSupport;

/// <summary>Latency figures of a series of timings, as the benchmarks print them.</summary>
public static class Figures
{
    /// <param name="decimals">Milliseconds to this many places: 3 for sub-millisecond figures, 1 for process start-ups.</param>
    public static string Describe(string what, IReadOnlyList<TimeSpan> samples, int decimals = 3)
    {
        var sorted = Sorted(samples);
        var ms = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        string Ms(double value) => value.ToString(ms, CultureInfo.InvariantCulture).PadLeft(8);
        return string.Create(CultureInfo.InvariantCulture,
            $"{what,-46} n={sorted.Length,6}  p50={Ms(At(sorted, 0.50))} ms  p99={Ms(At(sorted, 0.99))} ms  mean={Ms(sorted.Average())} ms  max={Ms(sorted[^1])} ms");
    }

    public static double Median(IReadOnlyList<TimeSpan> samples) => Percentile(samples, 0.50);

    public static double Percentile(IReadOnlyList<TimeSpan> samples, double p) => At(Sorted(samples), p);

    private static double[] Sorted(IReadOnlyList<TimeSpan> samples) => samples.Select(s => s.TotalMilliseconds).Order().ToArray();

    private static double At(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
