using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace P4Flow.Orchestrator.Tests.Support;

internal static class Json
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new JsonException("empty body");

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string uri)
    {
        using var response = await client.GetAsync(new Uri(uri, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"GET {uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string uri, object? body) =>
        client.PostAsJsonAsync(new Uri(uri, UriKind.Relative), body);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string uri, object? body) =>
        client.PutAsJsonAsync(new Uri(uri, UriKind.Relative), body);

    public static async Task<JsonNode> WaitForJobAsync(this HttpClient client, string jobId, Func<JsonNode, bool> done, string what, int seconds = 120) =>
        await Eventually.Until(() => client.GetJsonAsync($"/api/jobs/{jobId}"), done, TimeSpan.FromSeconds(seconds), $"job {jobId} {what}");

    public static string Str(this JsonNode node, string property) => node[property]?.GetValue<string>() ?? "";
}
