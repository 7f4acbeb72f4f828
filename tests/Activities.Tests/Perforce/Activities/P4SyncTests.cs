using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Activities;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Activities;

public sealed class P4SyncTests
{
    [Fact]
    public async Task Run_HaveNothingOnANewWorkspace_EmptiesTheHaveListWithoutCopyingAndIsDone()
    {
        // What p4 says when the workspace already holds nothing: a warning, not a failure.
        var p4 = new ScriptedDispatcher().On("sync", 0, "", "{\"code\":\"error\",\"data\":\"//depot/rel/...#0 - file(s) up-to-date.\\n\",\"severity\":2,\"generic\":17}\n");

        var result = await p4.RunAsync(new P4Sync(), new JsonObject { ["target"] = "//depot/rel/...", ["haveNothing"] = true }, "SYNC");

        Assert.Null(result.Error);
        Assert.Equal(["sync -k //depot/rel/...#0"], p4.Sent);
    }

    [Fact]
    public async Task Run_Classic_SyncsTheTargetToHead()
    {
        var p4 = new ScriptedDispatcher().On("sync", 0, "//depot/rel/a.c#2 - added as /ws/rel/a.c\n");

        var result = await p4.RunAsync(new P4Sync(), new JsonObject { ["target"] = "//depot/rel/..." }, "SYNC");

        Assert.Null(result.Error);
        Assert.Equal(["sync //depot/rel/..."], p4.Sent);
        Assert.Single(result.Outputs!["files"]!.AsArray());
    }

    [Fact]
    public async Task Run_WholeBranchOfManyFiles_KeepsTheFirstThousandAndTheCount()
    {
        var lines = string.Concat(Enumerable.Range(1, 2500).Select(i => $"//depot/rel/f{i}.c#1 - added as /ws/rel/f{i}.c\n"));
        var p4 = new ScriptedDispatcher().On("sync", 0, lines);

        var result = await p4.RunAsync(new P4Sync(), new JsonObject { ["target"] = "//depot/rel/..." }, "SYNC");

        Assert.Equal(P4Sync.MaxListed, result.Outputs!["files"]!.AsArray().Count);
        Assert.Equal(2500, result.Outputs["filesTotal"]!.GetValue<int>());
    }
}
