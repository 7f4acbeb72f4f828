using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class SyncParserTests
{
    private const string Ws2 = "/tmp/p4flow-capture/sync/ws2";

    [Fact]
    public void Sync_ReferenceTextLines_EveryActionAsTheTaggedFormNamesIt()
    {
        var output = P4Run.Parse("""
            //depot/main/a.c#1 - added as /ws/main/a.c
            //depot/main/b.c#3 - updating /ws/main/b.c
            //depot/main/c.c#2 - deleted as /ws/main/c.c
            //depot/main/d.c#4 - refreshing /ws/main/d.c
            //depot/main/e.c#4 - replacing /ws/main/e.c
            //depot/main/f.c#2 - is opened and not being changed
            //depot/main/g.c - must resolve #3,#4 before submitting
            """);

        var result = P4Parsers.Sync(output);

        Assert.Equal(
            [
                new P4File("//depot/main/a.c", "added", "1"),
                new P4File("//depot/main/b.c", "updated", "3"),
                new P4File("//depot/main/c.c", "deleted", "2"),
                new P4File("//depot/main/d.c", "refreshed", "4"),
                new P4File("//depot/main/e.c", "replaced", "4"),
            ],
            result.Files);
        Assert.False(result.UpToDate);
        Assert.False(output.Failed);
    }

    [Theory]
    [InlineData("File(s) up-to-date.")]
    [InlineData("//depot/main/... - file(s) up-to-date.")]
    public void Sync_UpToDateWarningText_UpToDateAndNotFailed(string line)
    {
        var output = P4Run.Parse(stderr: line + "\n");

        var result = P4Parsers.Sync(output);

        Assert.True(result.UpToDate);
        Assert.Empty(result.Files);
        Assert.False(output.Failed);
    }

    [Fact]
    public void Sync_CantClobberText_FailedWithTheMessage()
    {
        var output = P4Run.Parse(stderr: "Can't clobber writable file /ws/main/h.c\n", exit: 1);

        Assert.True(output.Failed);
        Assert.Equal("Can't clobber writable file /ws/main/h.c", Assert.Single(output.Errors).Text);
        Assert.Empty(P4Parsers.Sync(output).Files);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Sync_SimulatorRun_SameFilesInBothForms(string form)
    {
        var output = Capture.Parse("sync", form);

        var result = P4Parsers.Sync(output);

        Assert.Equal(
            [
                new P4File("//depot/main/a.c", "added", "1"),
                new P4File("//depot/main/b.c", "updated", "2"),
                new P4File("//depot/main/c.c", "deleted", "2"),
                new P4File("//depot/main/e.c", "replaced", "1"),
            ],
            result.Files);
        Assert.True(output.Says("//depot/main/g.c - must resolve #2,#3 before submitting"));
        Assert.False(result.UpToDate);
        Assert.False(output.Failed);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Sync_SimulatorForce_RefreshedAndOpenedFileUnchanged(string form)
    {
        var output = Capture.Parse("sync-force", form);

        Assert.Equal([new P4File("//depot/main/d.c", "refreshed", "1")], P4Parsers.Sync(output).Files);
        Assert.True(output.Says("//depot/main/f.c#1 - is opened and not being changed"));
    }

    [Theory]
    [InlineData("sync-uptodate", Capture.Text)]
    [InlineData("sync-uptodate", Capture.Tagged)]
    [InlineData("sync-uptodate-arg", Capture.Text)]
    [InlineData("sync-uptodate-arg", Capture.Tagged)]
    public void Sync_SimulatorNothingToSync_UpToDateWarning(string capture, string form)
    {
        var output = Capture.Parse(capture, form);

        Assert.True(P4Parsers.Sync(output).UpToDate);
        Assert.Equal(P4Severity.Warning, Assert.Single(output.Messages).Severity);
        Assert.False(output.Failed);
        Assert.Equal(P4ErrorClass.NothingToDo, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Sync_SimulatorWritableFileInTheWay_FailedExitOne(string form)
    {
        var output = Capture.Parse("sync-clobber", form);

        Assert.True(output.Failed);
        Assert.Equal(1, output.Result.ExitCode);
        Assert.Equal($"Can't clobber writable file {Ws2}/main/d.c", Assert.Single(output.Errors).Text);
    }

    [Fact]
    public void Sync_TaggedFirstRecord_CarriesTotals()
    {
        var records = Capture.Parse("sync", Capture.Tagged).Records;

        Assert.Equal(("12", "4"), (records[0]["totalFileSize"], records[0]["totalFileCount"]));
        Assert.Equal($"{Ws2}/main/a.c", records[0]["clientFile"]);
        Assert.All(records.Skip(1), r => Assert.False(r.ContainsKey("totalFileCount")));
    }
}
