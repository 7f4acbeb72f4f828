using P4Flow.Activities.Perforce;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce;

/// <summary>The failures any command can print (exit 1), read as P4Client gets them.</summary>
public sealed class CommonFailuresTests
{
    [Theory]
    [InlineData("Perforce password (P4PASSWD) invalid or unset.", P4ErrorClass.Auth)]
    [InlineData("Your session has expired, please login again.", P4ErrorClass.Auth)]
    [InlineData("//depot/rel/a.c - already locked by alice@alice-ws", P4ErrorClass.Locked)]
    [InlineData("//depot/rel/a.c - can't edit exclusive file already opened", P4ErrorClass.Locked)]
    public void Parse_ReferenceFailureLine_FailedWithClass(string line, string errorClass)
    {
        var output = P4Run.Parse(stderr: line + "\n", exit: 1);

        Assert.True(output.Failed);
        Assert.Equal(new P4Message(line, P4Severity.Failed), Assert.Single(output.Errors));
        Assert.Equal(errorClass, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Parse_ReferenceConnectBlock_FourFailedLinesNetworkError()
    {
        var output = P4Run.Parse(
            stderr: "Perforce client error:\n\tConnect to server failed; check $P4PORT.\n\tTCP connect to perforce:1666 failed.\n\tName or service not known\n",
            exit: 1);

        Assert.Equal(
            ["Perforce client error:", "Connect to server failed; check $P4PORT.", "TCP connect to perforce:1666 failed.", "Name or service not known"],
            output.Errors.Select(m => m.Text));
        Assert.Equal(P4ErrorClass.NetworkError, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData("fail-password", "Perforce password (P4PASSWD) invalid or unset.")]
    [InlineData("fail-session", "Your session has expired, please login again.")]
    [InlineData("lock-already", "//depot/main/clean.c - already locked by demo@demo-ws")]
    [InlineData("lock-held", "//depot/main/lock.c - can't edit exclusive file already opened")]
    public void Parse_SimulatorFailure_SameMessageInBothForms(string capture, string message)
    {
        foreach (var form in new[] { Capture.Text, Capture.Tagged })
        {
            var output = Capture.Parse(capture, form);

            Assert.True(output.Failed);
            Assert.Equal(message, Assert.Single(output.Errors).Text);
        }
    }

    [Fact]
    public void Parse_SimulatorConnectFailureTagged_FatalCommMultiLineData()
    {
        var output = Capture.Parse("fail-connect", Capture.Tagged);

        Assert.Equal(4, output.Errors.Count());
        Assert.All(output.Errors, m => Assert.Equal((P4Severity.Fatal, P4Output.GenericComm), (m.Severity, m.Generic)));
        Assert.Equal("Connect to server failed; check $P4PORT.", output.Errors.ElementAt(1).Text);
        Assert.Equal(P4ErrorClass.NetworkError, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Parse_SimulatorConnectFailureText_SameLinesAsTagged()
    {
        var text = Capture.Parse("fail-connect", Capture.Text);
        var tagged = Capture.Parse("fail-connect", Capture.Tagged);

        Assert.Equal(tagged.Text, text.Text);
    }
}
