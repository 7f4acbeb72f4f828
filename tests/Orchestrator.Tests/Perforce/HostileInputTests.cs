using System.Net;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// A branch or path that tries to become an option (or a second argument) is refused at the API, before any command
/// is built: 400 naming the input, nothing run (the command log does not grow), and the attempt in the audit log.
/// </summary>
[Collection(PerforceCollection.Name)]
public sealed class HostileInputTests(PerforceOrchestrator orchestrator)
{
    [Theory]
    [InlineData("target", "-f")]
    [InlineData("target", "--help")]
    [InlineData("source", "-b main-rel")]
    [InlineData("target", "//depot/rel/... -d")]
    [InlineData("source", "//depot/main/...\n-x")]
    public async Task Run_PathThatWouldBeAnOption_400NothingRunAudited(string field, string value)
    {
        var depot = await SimDepot.CreateDemoAsync();
        var commandLog = Path.Combine(orchestrator.Home, "logs", "commands.jsonl");
        var commandsBefore = await JobCommandsAsync(commandLog);
        var changesBefore = await depot.RunAsync("changes");
        var inputs = new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["description"] = "hostile", ["p4port"] = depot.Root };
        inputs[field] = value;

        using var response = await orchestrator.Client.PostJsonAsync(PerforceOrchestrator.Runs, inputs);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ReadJsonAsync())["errors"]![$"input.{field}"]);
        var commandsAfter = await JobCommandsAsync(commandLog);
        Assert.Equal(commandsBefore, commandsAfter);
        Assert.Equal(changesBefore, await depot.RunAsync("changes"));
        var audit = await Eventually.Until(() => File.ReadAllLinesAsync(Path.Combine(orchestrator.Home, "logs", "audit.jsonl")),
            lines => lines.Any(l => l.Contains("\"JOB_STARTED\"", StringComparison.Ordinal) && l.Contains($"input.{field}", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "the refused run in the audit log");
        var line = JsonNode.Parse(audit.Last(l => l.Contains("\"JOB_STARTED\"", StringComparison.Ordinal) && l.Contains($"input.{field}", StringComparison.Ordinal)))!;
        Assert.Equal("FAILURE", line.Str("result"));
        Assert.Equal("p4-integrate", line.Str("target"));
    }

    /// <summary>Commands of jobs' stages; the server cleanups of earlier tests' jobs may run meanwhile (stage CLEANUP).</summary>
    private static async Task<int> JobCommandsAsync(string commandLog) => File.Exists(commandLog)
        ? (await File.ReadAllLinesAsync(commandLog)).Count(l => !l.Contains("\"stage\":\"CLEANUP\"", StringComparison.Ordinal))
        : 0;
}
