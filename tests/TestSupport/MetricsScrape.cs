using System.Globalization;

namespace P4Flow.TestSupport;

/// <summary>Reads an orchestrator's Prometheus text as a scraper does, summing a metric's series.</summary>
public static class MetricsScrape
{
    public static async Task<string> TextAsync(int port)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/metrics"));
    }

    /// <summary>The sum of <paramref name="name"/>'s series (all of them, or those whose line <paramref name="which"/> picks).</summary>
    public static double Sum(string text, string name, Func<string, bool>? which = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split('\n')
            .Where(l => (l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal)) && (which?.Invoke(l) ?? true))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>The resolve watcher's `clients` listings so far (p4_watcher_checks_total{result="listed"}).</summary>
    public static async Task<double> WatcherListingsAsync(int port) =>
        Sum(await TextAsync(port), "p4_watcher_checks_total", l => l.Contains("result=\"listed\"", StringComparison.Ordinal));
}
