using System.Net;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class HostApiTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task OpenApi_Document_ListsEveryRoute()
    {
        var document = await _client.GetJsonAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var route in new[]
        {
            "/api/activity-descriptors", "/api/workflow-definitions", "/api/workflow-definitions/{definitionId}",
            "/api/workflow-definitions/{definitionId}/publish", "/api/workflow-definitions/{definitionId}/versions",
            "/api/workflow-definitions/import", "/api/workflow-definitions/{definitionId}/export",
            "/api/workflow-definitions/{definitionId}/runs", "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/cancel", "/api/jobs/{id}/resume",
        })
        {
            Assert.Contains(route, paths);
        }
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_Endpoints_AnswerHealthy(string path)
    {
        using var response = await Eventually.Until(
            () => _client.GetAsync(new Uri(path, UriKind.Relative)),
            r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            path);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
