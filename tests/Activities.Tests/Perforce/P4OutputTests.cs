using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce;

public sealed class P4OutputTests
{
    [Fact]
    public void Parse_TextStdout_InfoMessagesInOrder()
    {
        var output = P4Run.Parse("""
            Submitting change 1234.
            Locking 2 files ...
            """);

        Assert.Equal([new P4Message("Submitting change 1234.", P4Severity.Info), new P4Message("Locking 2 files ...", P4Severity.Info)], output.Messages);
        Assert.Empty(output.Records);
        Assert.False(output.Failed);
    }

    [Fact]
    public void Parse_TextStderrExitZero_WarningNotFailure()
    {
        var output = P4Run.Parse(stderr: "File(s) up-to-date.\n");

        Assert.Equal(P4Severity.Warning, Assert.Single(output.Messages).Severity);
        Assert.False(output.Failed);
        Assert.Empty(output.Errors);
    }

    [Fact]
    public void Parse_TextStderrExitOne_FailedMessages()
    {
        var output = P4Run.Parse(stderr: "Perforce password (P4PASSWD) invalid or unset.\n", exit: 1);

        Assert.Equal(P4Severity.Failed, Assert.Single(output.Errors).Severity);
        Assert.True(output.Failed);
    }

    [Fact]
    public void Parse_TextStdoutExitOne_StdoutStaysInfo()
    {
        var output = P4Run.Parse("Submitting change 75544.\n", "File(s) couldn't be locked.\n", exit: 1);

        Assert.Equal([P4Severity.Info, P4Severity.Failed], output.Messages.Select(m => m.Severity));
        Assert.True(output.Failed);
    }

    [Fact]
    public void Parse_JsonInfoWithLevel_InfoMessage()
    {
        var output = P4Run.Parse("""{"data":"Change 1234 created.","level":0}""");

        Assert.Equal(new P4Message("Change 1234 created.", P4Severity.Info), Assert.Single(output.Messages));
        Assert.Empty(output.Records);
    }

    [Fact]
    public void Parse_JsonWarningOnStderrExitZero_NotFailure()
    {
        var output = P4Run.Parse(stderr: """{"data":"No file(s) to resolve.\n","severity":2,"generic":17}""");

        Assert.Equal(new P4Message("No file(s) to resolve.", P4Severity.Warning, P4Output.GenericEmpty), Assert.Single(output.Messages));
        Assert.False(output.Failed);
    }

    [Theory]
    [InlineData(3, P4Severity.Failed)]
    [InlineData(4, P4Severity.Fatal)]
    public void Parse_JsonFailedOrWorseWithExitOne_Failed(int severity, P4Severity expected)
    {
        var output = P4Run.Parse(stderr: $$"""{"data":"Change 42 unknown.\n","severity":{{severity}},"generic":2}""", exit: 1);

        Assert.Equal(expected, Assert.Single(output.Errors).Severity);
        Assert.True(output.Failed);
    }

    [Fact]
    public void Parse_JsonFailedSeverityEvenWithExitZero_Failed()
    {
        // p4 exits 1 for any FAILED message; the severity alone is enough to call it a failure.
        var output = P4Run.Parse(stderr: """{"data":"No files to submit.\n","severity":3,"generic":17}""");

        Assert.True(output.Failed);
    }

    [Fact]
    public void Parse_JsonMultiLineData_OneMessagePerLineWithoutTabs()
    {
        var output = P4Run.Parse(stderr: """{"data":"Perforce client error:\n\tConnect to server failed; check $P4PORT.\n\tTCP connect to perforce:1666 failed.\n\tName or service not known\n","severity":4,"generic":38}""", exit: 1);

        Assert.Equal(
            ["Perforce client error:", "Connect to server failed; check $P4PORT.", "TCP connect to perforce:1666 failed.", "Name or service not known"],
            output.Messages.Select(m => m.Text));
        Assert.All(output.Messages, m => Assert.Equal((P4Severity.Fatal, P4Output.GenericComm), (m.Severity, m.Generic)));
        Assert.Equal("Perforce client error:\nConnect to server failed; check $P4PORT.\nTCP connect to perforce:1666 failed.\nName or service not known", output.Text);
    }

    [Fact]
    public void Parse_JsonRecord_FlatStringFieldsWithBareKeys()
    {
        var output = P4Run.Parse("""{"depotFile":"//depot/rel/a.c","headRev":"3","unresolved":""}""");

        var record = Assert.Single(output.Records);
        Assert.Equal(new Dictionary<string, string> { ["depotFile"] = "//depot/rel/a.c", ["headRev"] = "3", ["unresolved"] = "" }, record);
        Assert.Empty(output.Messages);
    }

    [Fact]
    public void Parse_JsonNonStringValue_KeptAsRawText()
    {
        var record = Assert.Single(P4Run.Parse("""{"depotFile":"//depot/rel/a.c","rev":3}""").Records);

        Assert.Equal("3", record["rev"]);
    }

    [Fact]
    public void Parse_RecordsAndMessages_ItemsInPrintedOrderStdoutFirst()
    {
        var output = P4Run.Parse(
            """
            {"data":"Shelving files for change 6.","level":0}
            {"change":"6","depotFile":"//depot/main/clean.c","rev":"2","action":"edit"}
            {"data":"Change 6 files shelved.","level":0}
            """,
            """{"data":"//depot/main/x.c - file(s) not opened on this client.\n","severity":2,"generic":17}""");

        Assert.Equal(
            ["Shelving files for change 6.", "//depot/main/clean.c", "Change 6 files shelved.", "//depot/main/x.c - file(s) not opened on this client."],
            output.Items.Select(i => i.Message?.Text ?? i.Record!["depotFile"]));
    }

    [Fact]
    public void Parse_BraceLineThatIsNotJson_KeptAsText()
    {
        var output = P4Run.Parse("{ not json\n");

        Assert.Equal("{ not json", Assert.Single(output.Messages).Text);
    }

    [Fact]
    public void Parse_CrLfLinesAndBlankLines_Ignored()
    {
        var output = P4Run.Parse("Change 1234 created.\r\n\r\n");

        Assert.Equal("Change 1234 created.", Assert.Single(output.Messages).Text);
    }

    [Fact]
    public void Parse_TimedOut_Failed()
    {
        var output = P4Run.Parse(exit: -1, timedOut: true);

        Assert.True(output.Failed);
        Assert.Equal(P4ErrorClass.Timeout, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Parse_ScriptPrefixedLines_KeptVerbatimNotInterpreted()
    {
        // P4Client never passes -s: its "info:"/"exit:" prefixes are not a form the parsers read.
        var output = P4Run.Parse("""
            info: //depot/main/a.c#1 - added as /ws/main/a.c
            exit: 0
            """);

        Assert.Equal(["info: //depot/main/a.c#1 - added as /ws/main/a.c", "exit: 0"], output.Messages.Select(m => m.Text));
        Assert.Empty(P4Parsers.Sync(output).Files);
    }

    [Theory]
    [InlineData("Client barws saved.")]
    [InlineData("Client barws not changed.")]
    [InlineData("//depot/rel/a.c#3 - opened for edit")]
    [InlineData("//depot/rel/a.c#3 - currently opened for edit")]
    [InlineData("//depot/rel/a.c#3 - reopened; change 1234")]
    public void Parse_ReferenceClientEditReopenLine_InfoNotFailed(string line)
    {
        var output = P4Run.Parse(line + "\n");

        Assert.Equal(new P4Message(line, P4Severity.Info), Assert.Single(output.Messages));
        Assert.False(output.Failed);
    }

    [Theory]
    [InlineData("client-saved", "Client barws saved.")]
    [InlineData("client-unchanged", "Client barws not changed.")]
    [InlineData("edit-again", "//depot/main/clean.c#2 - currently opened for edit")]
    public void Parse_SimulatorInfoMessage_SameTextInBothForms(string capture, string line)
    {
        foreach (var form in new[] { Capture.Text, Capture.Tagged })
        {
            var output = Capture.Parse(capture, form);

            Assert.Equal(new P4Message(line, P4Severity.Info), Assert.Single(output.Messages));
            Assert.False(output.Failed);
        }
    }

    [Theory]
    [InlineData("edit", "//depot/main/clean.c#2 - opened for edit", "edit")]
    [InlineData("reopen", "//depot/main/clean.c#2 - reopened; change 6", "6")]
    public void Parse_SimulatorOpenedFile_TextLineOrTaggedRecord(string capture, string line, string expected)
    {
        var text = Capture.Parse(capture, Capture.Text);
        var record = Assert.Single(Capture.Parse(capture, Capture.Tagged).Records);

        Assert.Equal(line, Assert.Single(text.Messages).Text);
        Assert.Equal("//depot/main/clean.c", record["depotFile"]);
        Assert.Equal(expected, record[capture == "edit" ? "action" : "change"]);
    }

    [Theory]
    [InlineData("Change 1234 submitted.", "submitted", true)]
    [InlineData("Change 1234 submitted.", "SUBMITTED", true)]
    [InlineData("Change 1234 submitted.", "shelved", false)]
    public void Says_Fragment_CaseInsensitive(string line, string fragment, bool expected) =>
        Assert.Equal(expected, P4Run.Parse(line).Says(fragment));
}
