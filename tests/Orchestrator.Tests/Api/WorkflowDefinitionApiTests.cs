using System.Net;
using System.Text;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class WorkflowDefinitionApiTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task ActivityDescriptors_List_DescribeInputsAndOutcomes()
    {
        var descriptors = (await _client.GetJsonAsync("/api/activity-descriptors")).AsArray();
        var decision = descriptors.Single(d => d!.Str("type") == "Decision")!;
        Assert.Equal(["True", "False"], decision["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        var condition = decision["inputs"]!.AsArray().Single()!;
        Assert.Equal("condition", condition.Str("name"));
        Assert.Equal("Boolean", condition.Str("type"));
        Assert.True(condition["required"]!.GetValue<bool>());
        Assert.Contains(descriptors, d => d!.Str("type") == "Delay" && d!.Str("kind") == "Blocking");
    }

    [Fact]
    public async Task SaveDraft_ThenPublish_MakesImmutableVersions()
    {
        using var created = await _client.PostJsonAsync("/api/workflow-definitions", Definitions.Linear("versions-demo"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/workflow-definitions/versions-demo?version=1", created.Headers.Location?.ToString());
        var draft = await created.ReadJsonAsync();
        Assert.False(draft["isPublished"]!.GetValue<bool>());

        using var published = await _client.PostAsync(new Uri("/api/workflow-definitions/versions-demo/publish", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.True((await published.ReadJsonAsync())["isPublished"]!.GetValue<bool>());

        var changed = Definitions.Linear("versions-demo");
        changed["name"] = "Changed name";
        using var second = await _client.PostJsonAsync("/api/workflow-definitions", changed);
        Assert.Equal(2, (await second.ReadJsonAsync())["version"]!.GetValue<int>());

        var versions = (await _client.GetJsonAsync("/api/workflow-definitions/versions-demo/versions")).AsArray();
        Assert.Equal([1, 2], versions.Select(v => v!["version"]!.GetValue<int>()));
        var v1 = await _client.GetJsonAsync("/api/workflow-definitions/versions-demo?version=1");
        Assert.Equal("Linear versions-demo", v1.Str("name"));
        Assert.True(v1["isPublished"]!.GetValue<bool>());
        var latest = await _client.GetJsonAsync("/api/workflow-definitions/versions-demo");
        Assert.Equal("Changed name", latest.Str("name"));
        Assert.False(latest["isPublished"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Delete_WithUnfinishedJob_Conflicts_ThenAfterCancelRemovesEveryVersion()
    {
        var id = "delete-demo-" + Guid.NewGuid().ToString("N")[..6];
        var waiting = Definitions.Linear(id);
        waiting["root"]!["activities"]!.AsArray()[1] = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = "hello", ["type"] = "WaitForSignal", ["inputs"] = new System.Text.Json.Nodes.JsonObject { ["signal"] = Definitions.Literal("go") },
        };
        using (var created = await _client.PostJsonAsync("/api/workflow-definitions", waiting)) Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var published = await _client.PostAsync(new Uri($"/api/workflow-definitions/{id}/publish", UriKind.Relative), null)) Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        using var started = await _client.PostJsonAsync($"/api/workflow-definitions/{id}/runs", new { who = "ana" });
        var jobId = (await started.ReadJsonAsync()).Str("jobId");
        await _client.WaitForJobAsync(jobId, j => j.Str("status") == "Suspended", "to wait for the signal");

        using (var busy = await _client.DeleteAsync(new Uri($"/api/workflow-definitions/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
            Assert.Contains("1 unfinished job", (await busy.ReadJsonAsync()).Str("detail"), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri($"/api/workflow-definitions/{id}", UriKind.Relative))).StatusCode);

        using (var cancelled = await _client.PostJsonAsync($"/api/jobs/{jobId}/cancel", new { reason = "to delete its workflow" })) Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        using (var deleted = await _client.DeleteAsync(new Uri($"/api/workflow-definitions/{id}", UriKind.Relative))) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri($"/api/workflow-definitions/{id}/versions", UriKind.Relative))).StatusCode);
        using (var again = await _client.DeleteAsync(new Uri($"/api/workflow-definitions/{id}", UriKind.Relative))) Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        // The finished job keeps its history.
        Assert.Equal("Cancelled", (await _client.GetJsonAsync($"/api/jobs/{jobId}")).Str("status"));
    }

    [Fact]
    public async Task Publish_InvalidDefinition_Answers400NamingActivityAndField()
    {
        using var created = await _client.PostJsonAsync("/api/workflow-definitions", Definitions.Linear("invalid-demo", badType: "NoSuchActivity"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var response = await _client.PostAsync(new Uri("/api/workflow-definitions/invalid-demo/publish", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        var messages = problem["errors"]!["activities[hello].type"]!.AsArray();
        Assert.Contains("NoSuchActivity", messages[0]!.GetValue<string>(), StringComparison.Ordinal);

        using var run = await _client.PostJsonAsync("/api/workflow-definitions/invalid-demo/runs", new { who = "x" });
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
    }

    [Fact]
    public async Task Validate_ReportsErrorsWithoutSaving()
    {
        var definition = Definitions.Linear("validate-only");
        definition["root"]!["connections"]!.AsArray().Add(Definitions.Connect("hello", "ghost"));
        using var response = await _client.PostJsonAsync("/api/workflow-definitions/validate", definition);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var errors = (await response.ReadJsonAsync())["errors"]!.AsArray();
        Assert.Contains(errors, e => e!.Str("path") == "connections[2].target.activity");
        using var missing = await _client.GetAsync(new Uri("/api/workflow-definitions/validate-only", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownOrBadVersion_Answers404Or400()
    {
        using var unknown = await _client.GetAsync(new Uri("/api/workflow-definitions/nope", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("nope", (await unknown.ReadJsonAsync()).Str("detail"), StringComparison.Ordinal);

        using var badVersion = await _client.GetAsync(new Uri("/api/workflow-definitions/signal-then-delay?version=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badVersion.StatusCode);
        Assert.NotNull((await badVersion.ReadJsonAsync())["errors"]!["version"]);

        using var missingVersion = await _client.GetAsync(new Uri("/api/workflow-definitions/signal-then-delay?version=99", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missingVersion.StatusCode);

        using var noVersions = await _client.GetAsync(new Uri("/api/workflow-definitions/nope/versions", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, noVersions.StatusCode);

        using var noPublish = await _client.PostAsync(new Uri("/api/workflow-definitions/nope/publish", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, noPublish.StatusCode);
    }

    [Fact]
    public async Task Post_MalformedJsonOrMissingFields_Answers400NotServerError()
    {
        using var malformed = new StringContent("{\"definitionId\": \"x\", \"root\": ", Encoding.UTF8, "application/json");
        using var broken = await _client.PostAsync(new Uri("/api/workflow-definitions", UriKind.Relative), malformed);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);

        using var noId = await _client.PostJsonAsync("/api/workflow-definitions", new { name = "no id" });
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.NotNull((await noId.ReadJsonAsync())["errors"]!["definitionId"]);

        using var wrongType = new StringContent("{\"definitionId\": \"x\", \"name\": \"x\", \"version\": \"abc\"}", Encoding.UTF8, "application/json");
        using var typed = await _client.PostAsync(new Uri("/api/workflow-definitions", UriKind.Relative), wrongType);
        Assert.Equal(HttpStatusCode.BadRequest, typed.StatusCode);
        Assert.Contains("version", (await typed.ReadJsonAsync()).Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportThenImport_RoundTripsAsNewPublishedVersion()
    {
        using var export = await _client.GetAsync(new Uri("/api/workflow-definitions/signal-then-delay/export", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("signal-then-delay.v1.json", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName);
        var exported = await export.ReadJsonAsync();
        exported["definitionId"] = "imported-copy";

        using var import = await _client.PostJsonAsync("/api/workflow-definitions/import", exported);
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
        var imported = await import.ReadJsonAsync();
        Assert.True(imported["isPublished"]!.GetValue<bool>());
        Assert.Equal(exported["root"]!.ToJsonString(), imported["root"]!.ToJsonString());

        var list = (await _client.GetJsonAsync("/api/workflow-definitions")).AsArray();
        Assert.Contains(list, d => d!.Str("definitionId") == "imported-copy");
    }
}
