namespace P4Flow.Hub.Benchmarks;

/// <summary>Latency figures of a series of timings.</summary>
internal static class Figures
{
    public static string Describe(string what, IReadOnlyList<TimeSpan> samples)
    {
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{what,-44} n={sorted.Length,6}  p50={At(0.50),8:0.000} ms  p99={At(0.99),8:0.000} ms  mean={sorted.Average(),8:0.000} ms  max={sorted[^1],8:0.000} ms");
    }
}
