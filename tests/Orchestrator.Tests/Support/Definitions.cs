using System.Text.Json.Nodes;

namespace P4Flow.Orchestrator.Tests.Support;

/// <summary>Small definitions for API tests, written as the JSON a client would send.</summary>
internal static class Definitions
{
    public static JsonObject Linear(string id, string? badType = null) => new()
    {
        ["definitionId"] = id,
        ["name"] = $"Linear {id}",
        ["inputs"] = new JsonArray(new JsonObject { ["name"] = "who", ["type"] = "String", ["required"] = true }),
        ["root"] = new JsonObject
        {
            ["type"] = "Flowchart",
            ["activities"] = new JsonArray(
                new JsonObject { ["id"] = "start", ["type"] = "Start" },
                new JsonObject
                {
                    ["id"] = "hello",
                    ["type"] = badType ?? "SetVariable",
                    ["stage"] = "GREETING",
                    ["inputs"] = new JsonObject
                    {
                        ["variable"] = Literal("greeting"),
                        ["value"] = JavaScript("'hello ' + input.who"),
                    },
                },
                new JsonObject { ["id"] = "end", ["type"] = "Finish", ["inputs"] = new JsonObject { ["result"] = JavaScript("variables.greeting") } }),
            ["connections"] = new JsonArray(Connect("start", "hello"), Connect("hello", "end")),
        },
    };

    public static JsonObject Literal(JsonNode? value) => new() { ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value } };

    public static JsonObject JavaScript(string code) => new() { ["expression"] = new JsonObject { ["type"] = "JavaScript", ["value"] = code } };

    public static JsonObject Connect(string from, string to, string port = "Done") => new()
    {
        ["source"] = new JsonObject { ["activity"] = from, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
    };
}
