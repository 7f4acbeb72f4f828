using P4Flow.Activities.Perforce;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce;

public sealed class P4ErrorClassTests
{
    [Theory]
    // Connect failures: the client's own block, with or without the COMM generic code.
    [InlineData("Perforce client error:\n\tConnect to server failed; check $P4PORT.\n\tTCP connect to perforce:1666 failed.\n\tName or service not known\n", P4ErrorClass.NetworkError)]
    [InlineData("TCP receive failed.\n", P4ErrorClass.NetworkError)]
    // Locks and exclusive files.
    [InlineData("//depot/rel/a.c - already locked by alice@alice-ws\n", P4ErrorClass.Locked)]
    [InlineData("//depot/rel/a.c - can't edit exclusive file already opened\n", P4ErrorClass.Locked)]
    [InlineData("//depot/rel/x.txt - already locked\nFile(s) couldn't be locked.\nSubmit failed -- fix problems above then use 'p4 submit -c 75544'.\n", P4ErrorClass.Locked)]
    // Tickets and passwords.
    [InlineData("Perforce password (P4PASSWD) invalid or unset.\n", P4ErrorClass.Auth)]
    [InlineData("Your session has expired, please login again.\n", P4ErrorClass.Auth)]
    // Work a person has to resolve.
    [InlineData("Merges still pending -- use 'resolve' to merge files.\nSubmit failed -- fix problems above then use 'p4 submit -c 1234'.\n", P4ErrorClass.Conflict)]
    [InlineData("//depot/rel/a.c - must sync/resolve #4 before submitting\nOut of date files must be resolved or reverted.\n", P4ErrorClass.Conflict)]
    [InlineData("/ws/rel/e.c tampered with before resolve - edit or revert.\n", P4ErrorClass.Conflict)]
    [InlineData("//depot/rel/a.c - must resolve //depot/main/a.c#3 before shelving\n", P4ErrorClass.Conflict)]
    // The workspace's disk (p4's MsgOs "op: path: strerror").
    [InlineData("write: /ws/rel/a.c: No space left on device\n", P4ErrorClass.DiskFull)]
    [InlineData("write: /ws/rel/a.c: Read-only file system\n", P4ErrorClass.DiskFull)]
    // Nothing to do.
    [InlineData("No files to submit.\n", P4ErrorClass.NothingToDo)]
    [InlineData("No files to shelve.\n", P4ErrorClass.NothingToDo)]
    // Anything else.
    [InlineData("Change 1234 has shelved files --  cannot submit.\n", P4ErrorClass.Unknown)]
    [InlineData("Submit validation failed -- fix problems then use 'p4 submit -c 1234'.\n", P4ErrorClass.Unknown)]
    [InlineData("Can't clobber writable file /ws/main/h.c\n", P4ErrorClass.Unknown)]
    public void Classify_FailedTextOnStderr_Class(string stderr, string expected)
    {
        var output = P4Run.Parse(stderr: stderr, exit: 1);

        Assert.True(output.Failed);
        Assert.Equal(expected, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Classify_RefusedByTheAgent_AgentRefusedWhateverTheText()
    {
        var output = P4Output.Parse(new P4Flow.Activities.Commands.CommandRun(7, -1, "", "token check failed: the token is not valid before ...", TimeSpan.Zero) { Refused = true });

        Assert.Equal(P4ErrorClass.AgentRefused, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData("File(s) up-to-date.\n", P4ErrorClass.NothingToDo)]
    [InlineData("//depot/main/... - file(s) up-to-date.\n", P4ErrorClass.NothingToDo)]
    [InlineData("All revision(s) already integrated.\n", P4ErrorClass.NothingToDo)]
    [InlineData("//depot/rel/... - no target file(s) in branch view.\n", P4ErrorClass.NothingToDo)]
    [InlineData("No file(s) to resolve.\n", P4ErrorClass.NothingToDo)]
    [InlineData("//depot/rel/f.c - must sync before integrating.\n", P4ErrorClass.Conflict)]
    public void Classify_WarningOnStderrExitZero_ClassWithoutFailure(string stderr, string expected)
    {
        var output = P4Run.Parse(stderr: stderr);

        Assert.False(output.Failed);
        Assert.Equal(expected, P4ErrorClass.Classify(output));
    }

    [Theory]
    // The exit-0 traps: INFO on stdout is all there is to classify.
    [InlineData("//depot/rel/e.c - can't integrate exclusive file already opened\n", P4ErrorClass.Locked)]
    [InlineData("//ws/rel/b.c - resolve skipped.\n", P4ErrorClass.Conflict)]
    public void Classify_InfoTrapOnStdoutExitZero_Class(string stdout, string expected)
    {
        var output = P4Run.Parse(stdout);

        Assert.False(output.Failed);
        Assert.Equal(expected, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Classify_TimedOut_TimeoutWhateverWasPrinted()
    {
        var output = P4Run.Parse("Submitting change 1234.\n", "//depot/rel/a.c - already locked\n", exit: -1, timedOut: true);

        Assert.True(output.Failed);
        Assert.Equal(P4ErrorClass.Timeout, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Classify_CommGenericCode_NetworkErrorWhateverTheText()
    {
        var output = P4Run.Parse(stderr: """{"data":"Le serveur ne répond pas.\n","severity":4,"generic":38}""", exit: 1);

        Assert.Equal(P4ErrorClass.NetworkError, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Classify_EmptyGenericCode_NothingToDoWhateverTheText()
    {
        var output = P4Run.Parse(stderr: """{"data":"Aucun fichier.\n","severity":2,"generic":17}""");

        Assert.Equal(P4ErrorClass.NothingToDo, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Classify_UnknownTextAndCode_Unknown()
    {
        var output = P4Run.Parse(stderr: """{"data":"Change 42 unknown.\n","severity":3,"generic":2}""", exit: 1);

        Assert.Equal(P4ErrorClass.Unknown, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData("fail-connect", P4ErrorClass.NetworkError)]
    [InlineData("fail-password", P4ErrorClass.Auth)]
    [InlineData("fail-session", P4ErrorClass.Auth)]
    [InlineData("lock-already", P4ErrorClass.Locked)]
    [InlineData("lock-held", P4ErrorClass.Locked)]
    [InlineData("submit-locked", P4ErrorClass.Locked)]
    [InlineData("submit-pending", P4ErrorClass.Conflict)]
    [InlineData("submit-out-of-date", P4ErrorClass.Conflict)]
    [InlineData("resolve-tampered", P4ErrorClass.Conflict)]
    [InlineData("shelve-unresolved", P4ErrorClass.Conflict)]
    [InlineData("shelve-empty", P4ErrorClass.NothingToDo)]
    [InlineData("submit-empty-change", P4ErrorClass.NothingToDo)]
    [InlineData("submit-nothing", P4ErrorClass.NothingToDo)]
    [InlineData("submit-shelved", P4ErrorClass.Unknown)]
    [InlineData("submit-unknown", P4ErrorClass.Unknown)]
    [InlineData("sync-clobber", P4ErrorClass.Unknown)]
    public void Classify_SimulatorFailureBothForms_SameClass(string capture, string expected)
    {
        var text = Capture.Parse(capture, Capture.Text);
        var tagged = Capture.Parse(capture, Capture.Tagged);

        Assert.True(text.Failed);
        Assert.True(tagged.Failed);
        Assert.Equal(expected, P4ErrorClass.Classify(text));
        Assert.Equal(expected, P4ErrorClass.Classify(tagged));
    }
}
