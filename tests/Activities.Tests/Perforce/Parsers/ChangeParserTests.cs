using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class ChangeParserTests
{
    [Theory]
    [InlineData("Change 1234 created.", 1234, true)]
    [InlineData("Change 1234 created with 3 open file(s).", 1234, true)]
    [InlineData("Change 1234 updated.", 1234, false)]
    public void Change_ReferenceText_NumberAndVerb(string line, int change, bool created)
    {
        Assert.Equal(new ChangeResult(change, created), P4Parsers.Change(P4Run.Parse(line + "\n")));
    }

    [Theory]
    [InlineData("change-created", 6, true)]
    [InlineData("change-created-files", 7, true)]
    [InlineData("change-updated", 7, false)]
    public void Change_SimulatorRun_NumberAndVerbInBothForms(string capture, int change, bool created)
    {
        foreach (var form in new[] { Capture.Text, Capture.Tagged })
        {
            var output = Capture.Parse(capture, form);

            Assert.False(output.Failed);
            Assert.Equal(new ChangeResult(change, created), P4Parsers.Change(output));
        }
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Change_SimulatorMissingDescription_FailedTwoLineMessageNoChange(string form)
    {
        var output = Capture.Parse("change-missing-desc", form);

        Assert.True(output.Failed);
        Assert.Equal(["Error in change specification.", "Change description missing!  You must enter one."], output.Errors.Select(m => m.Text));
        Assert.Null(P4Parsers.Change(output).Change);
    }
}
