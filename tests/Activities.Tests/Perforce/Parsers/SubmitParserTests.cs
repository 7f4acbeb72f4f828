using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class SubmitParserTests
{
    [Fact]
    public void Submit_ReferenceTextBlock_SubmittedChangeAndFiles()
    {
        var output = P4Run.Parse("""
            Submitting change 1234.
            Locking 2 files ...
            edit //depot/rel/a.c#5
            add //depot/rel/new.c#1
            Change 1234 submitted.
            """);

        var result = P4Parsers.Submit(output);

        Assert.Equal(1234, result.SubmittedChange);
        Assert.Equal([new P4File("//depot/rel/a.c", "edit", "5"), new P4File("//depot/rel/new.c", "add", "1")], result.Files);
        Assert.False(output.Failed);
    }

    [Fact]
    public void Submit_RenamedText_TheNewNumber()
    {
        var output = P4Run.Parse("""
            Submitting change 1234.
            Locking 1 files ...
            edit //depot/rel/a.c#5
            Change 1234 renamed change 1240 and submitted.
            """);

        Assert.Equal(1240, P4Parsers.Submit(output).SubmittedChange);
    }

    [Fact]
    public void Submit_LockedFailureBlock_FailedLockedNothingSubmitted()
    {
        var output = P4Run.Parse(
            "Submitting change 75544.\n",
            """
            //depot/rel/x.txt - already locked
            File(s) couldn't be locked.
            Submit failed -- fix problems above then use 'p4 submit -c 75544'.
            """,
            exit: 1);

        Assert.True(output.Failed);
        Assert.Null(P4Parsers.Submit(output).SubmittedChange);
        Assert.Equal(3, output.Errors.Count());
        Assert.Equal(P4ErrorClass.Locked, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData("Change 1234 has shelved files --  cannot submit.", P4ErrorClass.Unknown)]
    [InlineData("Change 1234 does not have shelved files --  cannot submit.\nSubmit failed -- fix problems above then use 'p4 submit -e 1234'.", P4ErrorClass.Unknown)]
    [InlineData("Merges still pending -- use 'resolve' to merge files.\nSubmit failed -- fix problems above then use 'p4 submit -c 1234'.", P4ErrorClass.Conflict)]
    [InlineData("//depot/rel/a.c - must sync/resolve #4 before submitting\nOut of date files must be resolved or reverted.\nSubmit failed -- fix problems above then use 'p4 submit -c 1234'.", P4ErrorClass.Conflict)]
    [InlineData("No files to submit.", P4ErrorClass.NothingToDo)]
    [InlineData("Submit validation failed -- fix problems then use 'p4 submit -c 1234'.", P4ErrorClass.Unknown)]
    [InlineData("Change 1234 unknown.", P4ErrorClass.Unknown)]
    [InlineData("Change 1234 is already committed.", P4ErrorClass.Unknown)]
    public void Submit_FailureText_FailedNothingSubmitted(string stderr, string errorClass)
    {
        var output = P4Run.Parse(stderr: stderr + "\n", exit: 1);

        Assert.True(output.Failed);
        Assert.Null(P4Parsers.Submit(output).SubmittedChange);
        Assert.Equal(errorClass, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Submit_ShelvedFilesText_TwoSpacesAfterTheDashes()
    {
        var output = P4Run.Parse(stderr: "Change 1234 has shelved files --  cannot submit.\n", exit: 1);

        Assert.True(output.Says("has shelved files --  cannot submit."));
        Assert.False(output.Says("has shelved files -- cannot submit."));
    }

    [Theory]
    [InlineData("submit", 9, new[] { "integrate //depot/rel/clean.c#3" })]
    [InlineData("submit-renamed", 8, new[] { "edit //depot/main/clean.c#3", "add //depot/main/new.c#1" })]
    public void Submit_SimulatorRun_SubmittedChangeAndFilesInBothForms(string capture, int change, string[] files)
    {
        foreach (var form in new[] { Capture.Text, Capture.Tagged })
        {
            var output = Capture.Parse(capture, form);

            var result = P4Parsers.Submit(output);

            Assert.False(output.Failed);
            Assert.Equal(change, result.SubmittedChange);
            Assert.Equal(files, result.Files.Select(f => $"{f.Action} {f.Path}#{f.Rev}"));
        }
    }

    [Theory]
    [InlineData("submit-locked", "//depot/main/new.c - already locked")]
    [InlineData("submit-shelved", "Change 6 has shelved files --  cannot submit.")]
    [InlineData("submit-e-unshelved", "Change 7 does not have shelved files --  cannot submit.")]
    [InlineData("submit-pending", "Merges still pending -- use 'resolve' to merge files.")]
    [InlineData("submit-out-of-date", "//depot/main/conflict.c - must sync/resolve #3 before submitting")]
    [InlineData("submit-empty-change", "No files to submit.")]
    [InlineData("submit-nothing", "No files to submit from the default changelist.")]
    [InlineData("submit-committed", "Change 9 is already committed.")]
    [InlineData("submit-unknown", "Change 42 unknown.")]
    public void Submit_SimulatorFailure_FailedExitOneInBothForms(string capture, string firstError)
    {
        foreach (var form in new[] { Capture.Text, Capture.Tagged })
        {
            var output = Capture.Parse(capture, form);

            Assert.True(output.Failed);
            Assert.Equal(1, output.Result.ExitCode);
            Assert.Equal(firstError, output.Errors.First().Text);
            Assert.Null(P4Parsers.Submit(output).SubmittedChange);
        }
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Submit_SimulatorLockedBlock_SubmittingIsInfoTheRestFailed(string form)
    {
        var output = Capture.Parse("submit-locked", form);

        Assert.Equal(
            [
                new P4Message("Submitting change 6.", P4Severity.Info),
                new P4Message("//depot/main/new.c - already locked", P4Severity.Failed),
                new P4Message("File(s) couldn't be locked.", P4Severity.Failed),
                new P4Message("Submit failed -- fix problems above then use 'p4 submit -c 6'.", P4Severity.Failed),
            ],
            output.Messages.Select(m => m with { Generic = 0 }));
    }
}
