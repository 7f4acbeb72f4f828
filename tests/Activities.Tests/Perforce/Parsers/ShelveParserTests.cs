using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class ShelveParserTests
{
    [Fact]
    public void Shelve_ReferenceTextBlock_ChangeAndFiles()
    {
        var output = P4Run.Parse("""
            Change 1234 created with 3 open file(s).
            Shelving files for change 1234.
            edit //depot/rel/a.c#4
            add //depot/rel/new.c#1
            delete //depot/rel/old.c#2
            Change 1234 files shelved.
            """);

        var result = P4Parsers.Shelve(output);

        Assert.Equal(1234, result.Change);
        Assert.Equal(
            [
                new P4File("//depot/rel/a.c", "edit", "4"),
                new P4File("//depot/rel/new.c", "add", "1"),
                new P4File("//depot/rel/old.c", "delete", "2"),
            ],
            result.Files);
        Assert.False(output.Failed);
    }

    [Fact]
    public void Shelve_OlderServerAddWithoutRevision_RevNone()
    {
        var output = P4Run.Parse("""
            Shelving files for change 1234.
            add //depot/rel/new.c#none
            Change 1234 files shelved.
            """);

        Assert.Equal([new P4File("//depot/rel/new.c", "add", "none")], P4Parsers.Shelve(output).Files);
    }

    [Theory]
    [InlineData("No files to shelve.", P4ErrorClass.NothingToDo)]
    [InlineData("//depot/rel/a.c - must resolve //depot/main/a.c#3 before shelving", P4ErrorClass.Conflict)]
    [InlineData("//depot/rel/a.c - already shelved, use -f to update.", P4ErrorClass.Unknown)]
    public void Shelve_FailureText_FailedWithoutFiles(string line, string errorClass)
    {
        var output = P4Run.Parse(stderr: line + "\n", exit: 1);

        var result = P4Parsers.Shelve(output);

        Assert.True(output.Failed);
        Assert.Empty(result.Files);
        Assert.Null(result.Change);
        Assert.Equal(errorClass, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Shelve_DeleteText_NotFailed()
    {
        var output = P4Run.Parse("Shelved change 1234 deleted.\n");

        Assert.False(output.Failed);
        Assert.True(output.Says("Shelved change 1234 deleted."));
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Shelve_SimulatorRun_ChangeAndFilesInBothForms(string form)
    {
        var output = Capture.Parse("shelve", form);

        var result = P4Parsers.Shelve(output);

        Assert.Equal(6, result.Change);
        Assert.Equal([new P4File("//depot/main/clean.c", "edit", "2"), new P4File("//depot/main/new.c", "add", "1")], result.Files);
        Assert.False(output.Failed);
    }

    [Theory]
    [InlineData("shelve-empty", "No files to shelve.")]
    [InlineData("shelve-unresolved", "//depot/rel/conflict.c - must resolve //depot/main/conflict.c#2 before shelving")]
    [InlineData("shelve-again", "//depot/main/clean.c - already shelved, use -f to update.")]
    public void Shelve_SimulatorFailure_FailedInBothForms(string capture, string firstError)
    {
        foreach (var form in new[] { Capture.Text, Capture.Tagged })
        {
            var output = Capture.Parse(capture, form);

            Assert.True(output.Failed);
            Assert.Equal(firstError, output.Errors.First().Text);
            Assert.Empty(P4Parsers.Shelve(output).Files);
        }
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Shelve_SimulatorDelete_NotFailed(string form)
    {
        var output = Capture.Parse("shelve-delete", form);

        Assert.False(output.Failed);
        Assert.Equal("Shelved change 6 deleted.", Assert.Single(output.Messages).Text);
    }
}
