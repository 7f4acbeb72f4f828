using System.Net;
using System.Net.Sockets;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

public sealed class MetricsServerTests
{
    [Fact]
    public async Task MetricsServer_ConfiguredPort_ServesMetricsThere()
    {
        await using var factory = new ObservabilityFactory();
        _ = factory.Server;

        var scrape = await PrometheusText.ScrapeAsync(factory.MetricsPort);

        Assert.Contains("p4_jobs_total", scrape.Families.Keys);
    }

    [Fact]
    public async Task MetricsServer_PortTaken_LogsAnErrorNamingTheKeyAndTheOrchestratorRuns()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var factory = new ObservabilityFactory(new Dictionary<string, string> { ["monitoring:metrics_port"] = port });
        await using (factory)
        {
            using var response = await Eventually.Until(
                () => factory.CreateClient().GetAsync(new Uri("/readyz", UriKind.Relative)), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "/readyz");
        }

        var error = Assert.Single(ObservabilityFactory.ReadLines(factory.LogFile), l => l.Contains("\"event_id\":6002", StringComparison.Ordinal));
        Assert.Contains("monitoring.metrics_port", error, StringComparison.Ordinal);
        Assert.Contains("\"level\":\"ERROR\"", error, StringComparison.Ordinal);
    }
}
