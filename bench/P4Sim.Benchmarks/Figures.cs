namespace P4Flow.P4Sim.Benchmarks;

/// <summary>Latency figures of a series of timings.</summary>
internal static class Figures
{
    public static string Describe(string what, IReadOnlyList<TimeSpan> samples)
    {
        var sorted = Sorted(samples);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{what,-44} n={sorted.Length,4}  p50={At(sorted, 0.50),8:0.0} ms  p99={At(sorted, 0.99),8:0.0} ms  mean={sorted.Average(),8:0.0} ms  max={sorted[^1],8:0.0} ms");
    }

    public static double Percentile(IReadOnlyList<TimeSpan> samples, double p) => At(Sorted(samples), p);

    private static double[] Sorted(IReadOnlyList<TimeSpan> samples) => samples.Select(s => s.TotalMilliseconds).Order().ToArray();

    private static double At(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
