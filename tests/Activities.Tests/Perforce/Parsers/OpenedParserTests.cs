using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class OpenedParserTests
{
    [Theory]
    [InlineData("//depot/rel/a.c#1 - edit default change (text)", "//depot/rel/a.c", "edit", "1")]
    [InlineData("//depot/rel/a.c#1 - edit change 1234 (text)", "//depot/rel/a.c", "edit", "1")]
    [InlineData("//depot/rel/b.c#2 - integrate change 1234 (text) by alice@alice-ws", "//depot/rel/b.c", "integrate", "2")]
    [InlineData("//depot/rel/c.c#3 - edit default change (text) *locked*", "//depot/rel/c.c", "edit", "3")]
    [InlineData("//depot/rel/d.c#4 - edit change 1234 (text) by alice@alice-ws *locked*", "//depot/rel/d.c", "edit", "4")]
    [InlineData("//depot/rel/e.bin#1 - edit default change (binary+l) *exclusive*", "//depot/rel/e.bin", "edit", "1")]
    [InlineData("//depot/rel/new.c#1 - add change 1234 (text)", "//depot/rel/new.c", "add", "1")]
    public void Opened_ReferenceTextLine_FileActionRev(string line, string path, string action, string rev)
    {
        Assert.Equal([new P4File(path, action, rev)], P4Parsers.Opened(P4Run.Parse(line + "\n")).Files);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Opened_SimulatorNumberedChanges_SameFilesInBothForms(string form)
    {
        Assert.Equal(
            [
                new P4File("//depot/main/clean.c", "edit", "2"),
                new P4File("//depot/main/new.c", "add", "1"),
                new P4File("//depot/rel/clean.c", "integrate", "2"),
            ],
            P4Parsers.Opened(Capture.Parse("opened", form)).Files);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Opened_SimulatorLockedOtherUserAndExclusive_SameFilesInBothForms(string form)
    {
        Assert.Equal(
            [
                new P4File("//depot/main/clean.c", "edit", "2"),
                new P4File("//depot/main/conflict.c", "edit", "2"),
                new P4File("//depot/main/lock.c", "edit", "1"),
            ],
            P4Parsers.Opened(Capture.Parse("opened-variants", form)).Files);
    }

    [Fact]
    public void Opened_SimulatorTagged_OwnerLockAndTypeInTheRecords()
    {
        var records = Capture.Parse("opened-variants", Capture.Tagged).Records;

        Assert.True(records[0].ContainsKey("ourLock"));
        Assert.Equal("alice@alice-ws", $"{records[1]["user"]}@{records[1]["client"]}");
        Assert.Equal("text+l", records[2]["type"]);
        Assert.All(records, r => Assert.Equal("default", r["change"]));
    }
}
