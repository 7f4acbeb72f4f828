using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Activities;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Activities;

public sealed class P4PushTests
{
    private static readonly JsonObject Change12 = new() { ["change"] = 12 };

    [Fact]
    public async Task Run_SubmitRenumbersChange_ReportsTheNewNumberAfterDeletingTheShelf()
    {
        var p4 = new ScriptedDispatcher()
            .On("shelve -d -c 12", 0, "Shelved change 12 deleted.\n")
            .On("submit -c 12", 0, "Submitting change 12.\nLocking 1 files ...\nintegrate //depot/rel/a.c#3\nChange 12 renamed change 15 and submitted.\n");

        var result = await p4.RunAsync(new P4Push(), Change12, "P4PUSH");

        Assert.Null(result.Error);
        Assert.Equal(15, result.Outputs!["submittedChange"]!.GetValue<int>());
        Assert.Equal(["shelve -d -c 12", "submit -c 12"], p4.Sent);
    }

    [Fact]
    public async Task Run_RetryAfterLostReply_TreatsUnknownChangeAsSubmitted()
    {
        var p4 = new ScriptedDispatcher().On("shelve -d -c 12", 1, "", "Change 12 unknown.\n");

        var result = await p4.RunAsync(new P4Push(), Change12, "P4PUSH");

        Assert.Null(result.Error);
        Assert.Equal(12, result.Outputs!["submittedChange"]!.GetValue<int>());
        Assert.DoesNotContain("submit -c 12", p4.Sent);
    }

    [Fact]
    public async Task Run_SubmitSaysAlreadyCommitted_TreatsItAsDone()
    {
        var p4 = new ScriptedDispatcher()
            .On("shelve -d -c 12", 0, "Shelved change 12 deleted.\n")
            .On("submit -c 12", 1, "Submitting change 12.\n", "Change 12 already committed.\n");

        var result = await p4.RunAsync(new P4Push(), Change12, "P4PUSH");

        Assert.Null(result.Error);
        Assert.Equal(12, result.Outputs!["submittedChange"]!.GetValue<int>());
    }

    [Fact]
    public async Task Run_FileLockedBySomeoneElse_FailsWithP4LockedAndTheP4Text()
    {
        var p4 = new ScriptedDispatcher()
            .On("shelve -d -c 12", 0, "Shelved change 12 deleted.\n")
            .On("submit -c 12", 1, "Submitting change 12.\n", "//depot/rel/x.txt - already locked\nFile(s) couldn't be locked.\nSubmit failed -- fix problems above then use 'p4 submit -c 12'.\n");

        var result = await p4.RunAsync(new P4Push(), Change12, "P4PUSH");

        Assert.Equal("P4_LOCKED", result.ErrorClass);
        Assert.Contains("//depot/rel/x.txt - already locked", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoChangeNumber_FailsNamingTheInputAndRunsNothing()
    {
        var p4 = new ScriptedDispatcher();

        var result = await p4.RunAsync(new P4Push(), new JsonObject { ["change"] = 0 }, "P4PUSH");

        Assert.Equal("INVALID_INPUT", result.ErrorClass);
        Assert.Contains("'change'", result.Error, StringComparison.Ordinal);
        Assert.Empty(p4.Sent);
    }
}
