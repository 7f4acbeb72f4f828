using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Api;

/// <summary>The branch graph over HTTP: replaced whole with its revision, imported and exported as YAML, an edge paused and resumed.</summary>
[Collection(ApiCollection.Name)]
public sealed class BranchApiTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private static JsonObject Graph(int? revision, params JsonObject[] edges) => new()
    {
        ["revision"] = revision,
        ["nodes"] = new JsonArray(
            new JsonObject { ["name"] = "main", ["path"] = "//depot/main/..." },
            new JsonObject { ["name"] = "rel", ["path"] = "//depot/rel/..." },
            new JsonObject { ["name"] = "dev", ["path"] = "//depot/dev/..." }),
        ["edges"] = new JsonArray(edges),
    };

    [Fact]
    public async Task Graph_SavedWithItsRevision_ExportedImportedPausedAndRefusedWhenBroken()
    {
        var before = await _client.GetJsonAsync("/api/branches");
        var revision = before["revision"]!.GetValue<int>();

        // Saved whole: the edges come back with their ids and the defaults filled in.
        using (var saved = await _client.PutJsonAsync("/api/branches", Graph(revision,
            new JsonObject { ["source"] = "main", ["target"] = "rel", ["gate"] = new JsonObject { ["counter"] = "main-good" } },
            new JsonObject { ["source"] = "main", ["target"] = "dev", ["flow"] = "manual" })))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var graph = await saved.ReadJsonAsync();
            Assert.Equal(revision + 1, graph["revision"]!.GetValue<int>());
            Assert.Equal("bootstrap-admin", graph.Str("updatedBy"));
            Assert.Equal(["main -> rel", "main -> dev"], graph["edges"]!.AsArray().Select(e => e!.Str("id")));
            Assert.Equal("p4-integrate", graph["edges"]![0]!["edge"]!.Str("workflow"));
        }

        // A stale revision is a conflict, never an overwrite.
        using (var stale = await _client.PutJsonAsync("/api/branches", Graph(revision)))
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        // A broken graph: 400 naming each edge and field; nothing saved.
        using (var broken = await _client.PutJsonAsync("/api/branches", Graph(null,
            new JsonObject { ["source"] = "main", ["target"] = "nowhere" },
            new JsonObject { ["source"] = "rel", ["target"] = "dev", ["workflow"] = "no-such-workflow", ["flow"] = "often" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            var errors = (await broken.ReadJsonAsync())["errors"]!.AsObject();
            Assert.True(errors.ContainsKey("edges[main -> nowhere].target") && errors.ContainsKey("edges[rel -> dev].workflow") && errors.ContainsKey("edges[rel -> dev].flow"), errors.ToJsonString());
        }
        Assert.Equal(revision + 1, (await _client.GetJsonAsync("/api/branches"))["revision"]!.GetValue<int>());

        // Exported as YAML, imported back as it was; a YAML with a mistake is refused by its line.
        using var export = await _client.GetAsync(new Uri("/api/branches/export", UriKind.Relative));
        Assert.Equal("application/yaml", export.Content.Headers.ContentType!.MediaType);
        var yaml = await export.Content.ReadAsStringAsync();
        Assert.Contains("counter: main-good", yaml, StringComparison.Ordinal);
        using (var imported = await _client.PostAsync(new Uri($"/api/branches/import?revision={revision + 1}", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml")))
        {
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
            Assert.Equal(["main -> rel", "main -> dev"], (await imported.ReadJsonAsync())["edges"]!.AsArray().Select(e => e!.Str("id")));
        }
        using (var bad = await _client.PostAsync(new Uri("/api/branches/import", UriKind.Relative), new StringContent(yaml + "  - source: [\n", Encoding.UTF8, "application/yaml")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains((await bad.ReadJsonAsync())["errors"]!.AsObject(), e => e.Key.StartsWith("line ", StringComparison.Ordinal));
        }

        // An edge paused and resumed by an operator; an unknown edge is a 404.
        using (var paused = await _client.PostAsync(new Uri("/api/branches/edges/main/rel/pause", UriKind.Relative), null))
            Assert.True((await paused.ReadJsonAsync())["edges"]![0]!["edge"]!["paused"]!.GetValue<bool>());
        using (var resumed = await _client.PostAsync(new Uri("/api/branches/edges/main/rel/resume", UriKind.Relative), null))
            Assert.False((await resumed.ReadJsonAsync())["edges"]![0]!["edge"]!["paused"]!.GetValue<bool>());
        using (var unknown = await _client.PostAsync(new Uri("/api/branches/edges/rel/main/pause", UriKind.Relative), null))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // A viewer reads the graph and may not change it.
        var viewer = factory.ClientAs("viewer");
        Assert.Equal(revision + 4, (await viewer.GetJsonAsync("/api/branches"))["revision"]!.GetValue<int>());
        using var refused = await viewer.PutJsonAsync("/api/branches", Graph(null));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
