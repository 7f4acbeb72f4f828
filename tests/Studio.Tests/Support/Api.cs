using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace P4Flow.Studio.Tests.Support;

/// <summary>Setting the stage through the orchestrator's HTTP API, so each test starts where it needs to.</summary>
internal static class Api
{
    /// <summary>Saves a draft: Start -> a SetVariable step, then returns its definition id.</summary>
    public static async Task<string> CreateDraftAsync(this OrchestratorProcess orchestrator, string prefix)
    {
        var id = prefix + "-" + Guid.NewGuid().ToString("N")[..6];
        var definition = new JsonObject
        {
            ["definitionId"] = id,
            ["name"] = $"Test {id}",
            ["root"] = new JsonObject
            {
                ["type"] = "Flowchart",
                ["activities"] = new JsonArray(
                    Activity("start", "Start", 40, 160),
                    Activity("step", "SetVariable", 340, 160, new JsonObject
                    {
                        ["variable"] = new JsonObject { ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "x" } },
                    })),
                ["connections"] = new JsonArray(new JsonObject
                {
                    ["source"] = new JsonObject { ["activity"] = "start", ["port"] = "Done" },
                    ["target"] = new JsonObject { ["activity"] = "step", ["port"] = "In" },
                }),
            },
        };
        using var response = await orchestrator.Client.PostAsJsonAsync("/api/workflow-definitions", definition);
        response.EnsureSuccessStatusCode();
        return id;
    }

    public static async Task<JsonNode> GetJsonAsync(this OrchestratorProcess orchestrator, string path) =>
        JsonNode.Parse(await orchestrator.Client.GetStringAsync(new Uri(path, UriKind.Relative)))!;

    public static async Task<string> StartJobAsync(this OrchestratorProcess orchestrator, string definitionId, JsonObject input)
    {
        using var response = await orchestrator.Client.PostAsJsonAsync($"/api/workflow-definitions/{definitionId}/runs", input);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["jobId"]!.GetValue<string>();
    }

    private static JsonObject Activity(string id, string type, int x, int y, JsonObject? inputs = null) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["inputs"] = inputs ?? [],
        ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = x, ["y"] = y } } },
    };
}
