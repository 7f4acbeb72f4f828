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
        var p4 = new ScriptedDispatcher()
            .On("integrate", 0, "", "All revision(s) already integrated.\n")
            .On("opened", 0, "", "File(s) not opened on this client.\n");

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/..." }, "INTEGRATE");

        Assert.Null(result.Error);
        Assert.Equal("NothingToIntegrate", result.Outcome);
    }

    [Fact]
    public async Task Run_AgainAfterACrash_TheFilesItsFirstAttemptOpenedAreItsIntegration()
    {
        // The orchestrator stopped after the first attempt's integrate and before the job recorded it: p4 counts the
        // pending integration as done, and the job's own workspace holds it.
        var p4 = new ScriptedDispatcher()
            .On("integrate", 0, "", "All revision(s) already integrated.\n")
            .On("opened", 0, "//depot/rel/a.c#1 - integrate default change (text)\n//depot/rel/b.c#1 - edit default change (text)\n")
            .On("changes", 0, "");

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/..." }, "INTEGRATE");

        Assert.Equal("Integrated", result.Outcome);
        var files = result.Outputs!["files"]!.AsArray();
        Assert.Equal("//depot/rel/a.c", Assert.Single(files)!["file"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_Virtual_IntegratesWithVAndSaysSo()
    {
        var p4 = new ScriptedDispatcher()
            .On("integrate", 0, "//depot/rel/a.c#1 - integrate from //depot/main/a.c#2,#3\n")
            .On("changes", 0, "");

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["virtual"] = true }, "INTEGRATE");

        Assert.Equal("Integrated", result.Outcome);
        Assert.Equal("integrate -v //depot/main/... //depot/rel/...", p4.Sent[0]);
        Assert.True(result.Outputs!["virtual"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Run_ServerRefusesV_SyncsTheTargetAndIntegratesTheClassicWay()
    {
        // -ztag -Mj: a usage error carries generic 1 (E_USAGE), whatever the text of a server that predates -v.
        var p4 = new ScriptedDispatcher()
            .On("integrate -v", 1, "", "{\"code\":\"error\",\"data\":\"Invalid option: -v.\\n\",\"severity\":3,\"generic\":1}\n")
            .On("sync", 0, "//depot/rel/a.c#1 - added as /ws/rel/a.c\n")
            .On("integrate", 0, "//depot/rel/a.c#1 - integrate from //depot/main/a.c#2,#3\n")
            .On("changes", 0, "");

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["virtual"] = true }, "INTEGRATE");

        Assert.Equal("Integrated", result.Outcome);
        Assert.Equal(["integrate -v //depot/main/... //depot/rel/...", "sync //depot/rel/...", "integrate //depot/main/... //depot/rel/..."], p4.Sent.Take(3));
        Assert.False(result.Outputs!["virtual"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Run_OneChangeThroughABranchSpec_RangeOnTheTarget()
    {
        var p4 = new ScriptedDispatcher()
            .On("integrate", 0, "//depot/rel/a.c#1 - integrate from //depot/main/a.c#3\n")
            .On("changes", 0, "{\"change\":\"42\",\"client\":\"dev-ws\",\"status\":\"submitted\",\"user\":\"dev\",\"desc\":\"fix\",\"time\":\"1\",\"changeType\":\"public\"}\n");

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["branch"] = "main-rel", ["changes"] = "42" }, "INTEGRATE");

        Assert.Equal("Integrated", result.Outcome);
        Assert.Equal("integrate -b main-rel //depot/rel/...@42,@42", p4.Sent[0]);
        Assert.Equal("changes -s submitted -l //depot/main/...@42,@42", p4.Sent[1]);
        Assert.Equal("#p4flow-source: CL 42 in //depot/main/...", result.Outputs!["provenance"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_AChangeP4FlowBroughtToTheSource_ItsOriginCarriedOnViaIt()
    {
        var p4 = new ScriptedDispatcher()
            .On("integrate", 0, "//depot/dev/a.c#1 - integrate from //depot/rel/a.c#3\n")
            .On("changes", 0, "{\"change\":\"57\",\"client\":\"p4flow-x\",\"status\":\"submitted\",\"user\":\"p4flow\",\"desc\":\"Integrate CL 42\\n\\n#p4flow-source: CL 42 in //depot/main/...\\n#p4flow-job: j\\n\",\"time\":\"1\",\"changeType\":\"public\"}\n");

        var result = await p4.RunAsync(new P4Integrate(), new JsonObject { ["source"] = "//depot/rel/...", ["target"] = "//depot/dev/...", ["changes"] = "57" }, "INTEGRATE");

        Assert.Equal("#p4flow-source: CL 57 in //depot/rel/...\n#p4flow-source: CL 42 in //depot/main/... via CL 57", result.Outputs!["provenance"]!.GetValue<string>());
    }
}
