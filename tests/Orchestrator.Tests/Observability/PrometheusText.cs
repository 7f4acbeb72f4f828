using System.Globalization;
using System.Text.RegularExpressions;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>A scrape of /metrics in the Prometheus text format, read back into families and samples.</summary>
public sealed partial class PrometheusText
{
    private PrometheusText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (TypeLine().Match(line) is { Success: true } type)
            {
                Families[type.Groups[1].Value] = type.Groups[2].Value;
                continue;
            }
            if (line.StartsWith('#')) continue;
            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a sample line: {line}");
            var labels = LabelPair().Matches(sample.Groups[2].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            Samples.Add((sample.Groups[1].Value, labels, double.Parse(sample.Groups[3].Value, CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }
    public Dictionary<string, string> Families { get; } = new(StringComparer.Ordinal);
    public List<(string Name, Dictionary<string, string> Labels, double Value)> Samples { get; } = [];

    /// <summary>Every series name the scrape can hold: the families, and a histogram's _bucket, _sum and _count.</summary>
    public IReadOnlySet<string> SeriesNames => Families
        .SelectMany(f => f.Value == "histogram" ? [f.Key, f.Key + "_bucket", f.Key + "_sum", f.Key + "_count"] : new[] { f.Key })
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include <paramref name="labels"/> (0 when there is none).</summary>
    public double Value(string name, params (string Name, string Value)[] labels) => Samples
        .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
        .Sum(s => s.Value);

    public static PrometheusText Parse(string text) => new(text);

    public static async Task<PrometheusText> ScrapeAsync(int port)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        return new PrometheusText(text);
    }

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex LabelPair();
}
