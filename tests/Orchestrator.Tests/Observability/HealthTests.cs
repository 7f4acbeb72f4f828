using System.Net;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>/healthz and /readyz of a real orchestrator, asked over its socket.</summary>
[Collection(ObservedCollection.Name)]
public sealed class HealthTests(ObservedOrchestrator orchestrator)
{
    [Fact]
    public async Task Readyz_FromLoopback_ShowsEachCheckAsJson()
    {
        using var response = await orchestrator.Client.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var report = await response.ReadJsonAsync();
        Assert.Equal("Healthy", report.Str("status"));
        var checks = report["checks"]!.AsObject();
        Assert.Contains("store", checks.Select(c => c.Key));
        Assert.Contains("hangfire", checks.Select(c => c.Key));
        foreach (var (name, check) in checks)
        {
            Assert.NotNull(check);
            Assert.Equal("Healthy", check.Str("status"));
            Assert.False(string.IsNullOrEmpty(check.Str("description")), $"check {name} has no description");
            Assert.True(check["durationMs"]!.GetValue<double>() >= 0);
        }
    }

    [Fact]
    public async Task Healthz_FromLoopback_ShowsStatusWithoutChecks()
    {
        var report = await orchestrator.Client.GetJsonAsync("/healthz");

        Assert.Equal("Healthy", report.Str("status"));
        Assert.Empty(report["checks"]!.AsObject());
    }

    [Theory]
    [InlineData("/healthz", "X-Forwarded-For", "203.0.113.7")]
    [InlineData("/readyz", "X-Forwarded-For", "203.0.113.7")]
    [InlineData("/readyz", "Forwarded", "for=203.0.113.7")]
    public async Task Health_ThroughAProxy_ShowsThePlainStatusOnly(string path, string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add(header, value);

        using var response = await orchestrator.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
