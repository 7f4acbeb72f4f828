namespace P4Flow.Hub.Benchmarks;

/// <summary>Latency figures of a series of timings.</summary>
internal static class Figures
{
    public static string Describe(string what, IReadOnlyList<TimeSpan> samples)
    {
        var sorted = Sorted(samples);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{what,-46} n={sorted.Length,6}  p50={At(sorted, 0.50),8:0.000} ms  p99={At(sorted, 0.99),8:0.000} ms  mean={sorted.Average(),8:0.000} ms  max={sorted[^1],8:0.000} ms");
    }

    public static double Median(IReadOnlyList<TimeSpan> samples) => At(Sorted(samples), 0.50);

    private static double[] Sorted(IReadOnlyList<TimeSpan> samples) => samples.Select(s => s.TotalMilliseconds).Order().ToArray();

    private static double At(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
