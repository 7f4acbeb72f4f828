using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Activities;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Activities;

public sealed class P4IntegrateTests
{
    [Theory]
    [InlineData("-b")]
    [InlineData("//depot/rel/...\n-f")]
    [InlineData("//depot/rel/... //depot/other/...")]
    public async Task Run_TargetThatCouldBecomeAnOptionOrSecondArgument_IsRefusedBeforeAnyCommand(string target)
    {
        var p4 = new ScriptedDispatcher();

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/main/...", ["target"] = target }, "INTEGRATE");

        Assert.Equal("INVALID_INPUT", result.ErrorClass);
        Assert.Contains("'target'", result.Error, StringComparison.Ordinal);
        Assert.Empty(p4.Sent);
    }

    [Fact]
    public async Task Run_ExclusiveFileTrapWithExitZero_FailsWithP4Locked()
    {
        var p4 = new ScriptedDispatcher().On("integrate", 0, "//depot/rel/e.c - can't integrate exclusive file already opened\n");

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/..." }, "INTEGRATE");

        Assert.Equal("P4_LOCKED", result.ErrorClass);
        Assert.Contains("//depot/rel/e.c", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AllRevisionsAlreadyIntegrated_TakesTheNothingToIntegratePort()
    {
        var p4 = new ScriptedDispatcher().On("integrate", 0, "", "All revision(s) already integrated.\n");

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/..." }, "INTEGRATE");

        Assert.Null(result.Error);
        Assert.Equal("NothingToIntegrate", result.Outcome);
    }
}
