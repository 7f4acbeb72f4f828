using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class IntegrateParserTests
{
    [Fact]
    public void Integrate_ReferenceTextLines_EveryActionWithItsLastSourceRevision()
    {
        var output = P4Run.Parse("""
            //depot/rel/a.c#1 - integrate from //depot/main/a.c#2,#3
            //depot/rel/b.c#1 - branch/sync from //depot/main/b.c#1
            //depot/rel/c.c#2 - delete from //depot/main/c.c#4
            //depot/rel/d.c#3 - integrate from //depot/main/d.c#5 using base //depot/main/d.c#4
            """);

        var result = P4Parsers.Integrate(output);

        Assert.Equal(
            [
                new P4File("//depot/rel/a.c", "integrate", "3", "//depot/main/a.c"),
                new P4File("//depot/rel/b.c", "branch", "1", "//depot/main/b.c"),
                new P4File("//depot/rel/c.c", "delete", "4", "//depot/main/c.c"),
                new P4File("//depot/rel/d.c", "integrate", "5", "//depot/main/d.c"),
            ],
            result.Files);
        Assert.Empty(result.ExclusiveBlocked);
        Assert.Empty(result.MustSync);
        Assert.False(result.AlreadyIntegrated);
        Assert.False(result.NoTargets);
    }

    [Fact]
    public void Integrate_TargetBehindHead_SyncedThenIntegratedLinesCount()
    {
        // Without -h, p4 first syncs a target the workspace holds at an older revision and says so in the action.
        var output = P4Run.Parse("""
            //depot/rel/a.c#2 - sync/integrate from //depot/main/a.c#2
            //depot/rel/b.c#3 - sync/delete from //depot/main/b.c#4
            """);

        var result = P4Parsers.Integrate(output);

        Assert.Equal(
            [
                new P4File("//depot/rel/a.c", "integrate", "2", "//depot/main/a.c"),
                new P4File("//depot/rel/b.c", "delete", "4", "//depot/main/b.c"),
            ],
            result.Files);
    }

    [Fact]
    public void Integrate_ExclusiveFileOnStdoutExitZero_BlockedThoughNotFailed()
    {
        var output = P4Run.Parse("""
            //depot/rel/a.c#1 - integrate from //depot/main/a.c#2,#3
            //depot/rel/e.c - can't integrate exclusive file already opened
            """);

        var result = P4Parsers.Integrate(output);

        Assert.False(output.Failed);
        Assert.Equal(["//depot/rel/e.c"], result.ExclusiveBlocked);
        Assert.Equal(["//depot/rel/a.c"], result.Files.Select(f => f.Path));
        Assert.Equal(P4ErrorClass.Locked, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Integrate_MustSyncText_ListsTheFile()
    {
        var output = P4Run.Parse(stderr: "//depot/rel/f.c - must sync before integrating.\n");

        var result = P4Parsers.Integrate(output);

        Assert.Equal(["//depot/rel/f.c"], result.MustSync);
        Assert.Empty(result.Files);
        Assert.Equal(P4ErrorClass.Conflict, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData("All revision(s) already integrated.")]
    [InlineData("//depot/rel/... - all revision(s) already integrated.")]
    public void Integrate_AlreadyIntegratedWarning_NothingToDoNotFailed(string line)
    {
        var output = P4Run.Parse(stderr: line + "\n");

        var result = P4Parsers.Integrate(output);

        Assert.True(result.AlreadyIntegrated);
        Assert.Empty(result.Files);
        Assert.False(output.Failed);
        Assert.Equal(P4ErrorClass.NothingToDo, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData("No target file(s) in branch view.")]
    [InlineData("//depot/rel/... - no target file(s) in branch view.")]
    [InlineData("//depot/rel/... - no target file(s) in both client and branch view.")]
    public void Integrate_NoTargetWarning_NoTargets(string line)
    {
        var output = P4Run.Parse(stderr: line + "\n");

        Assert.True(P4Parsers.Integrate(output).NoTargets);
        Assert.False(output.Failed);
        Assert.Equal(P4ErrorClass.NothingToDo, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Integrate_SimulatorRun_FilesTrapAndMustSyncInBothForms(string form)
    {
        var output = Capture.Parse("integrate", form);

        var result = P4Parsers.Integrate(output);

        Assert.Equal(
            [
                new P4File("//depot/rel/a.c", "integrate", "2", "//depot/main/a.c"),
                new P4File("//depot/rel/b.c", "branch", "1", "//depot/main/b.c"),
                new P4File("//depot/rel/c.c", "delete", "2", "//depot/main/c.c"),
            ],
            result.Files);
        Assert.Equal(["//depot/rel/e.c"], result.ExclusiveBlocked);
        Assert.Equal(["//depot/rel/f.c"], result.MustSync);
        Assert.Equal(0, output.Result.ExitCode);
        Assert.False(output.Failed);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Integrate_SimulatorDemoBranch_ThreeFiles(string form)
    {
        var result = P4Parsers.Integrate(Capture.Parse("integrate-demo", form));

        Assert.Equal(
            [
                new P4File("//depot/rel/clean.c", "integrate", "2", "//depot/main/clean.c"),
                new P4File("//depot/rel/conflict.c", "integrate", "2", "//depot/main/conflict.c"),
                new P4File("//depot/rel/logo.bin", "integrate", "2", "//depot/main/logo.bin"),
            ],
            result.Files);
    }

    [Theory]
    [InlineData("integrate-already", Capture.Text)]
    [InlineData("integrate-already", Capture.Tagged)]
    [InlineData("integrate-already-b", Capture.Text)]
    [InlineData("integrate-already-b", Capture.Tagged)]
    [InlineData("integrate-already-arg", Capture.Text)]
    [InlineData("integrate-already-arg", Capture.Tagged)]
    public void Integrate_SimulatorRepeated_AlreadyIntegratedWarning(string capture, string form)
    {
        var output = Capture.Parse(capture, form);

        var result = P4Parsers.Integrate(output);

        Assert.True(result.AlreadyIntegrated);
        Assert.Empty(result.Files);
        Assert.False(output.Failed);
        Assert.Equal(P4Severity.Warning, Assert.Single(output.Messages).Severity);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Integrate_SimulatorTargetOutsideClient_NoTargets(string form)
    {
        var output = Capture.Parse("integrate-notarget", form);

        var result = P4Parsers.Integrate(output);

        Assert.True(result.NoTargets);
        Assert.Empty(result.Files);
        Assert.False(output.Failed);
    }

    [Fact]
    public void Integrate_TaggedRecords_CarryTheReferenceFields()
    {
        var records = Capture.Parse("integrate", Capture.Tagged).Records;

        Assert.All(records, r => Assert.Superset(
            new HashSet<string> { "depotFile", "clientFile", "workRev", "action", "fromFile", "startFromRev", "endFromRev" },
            r.Keys.ToHashSet()));
        Assert.Equal("none", records.Single(r => r["action"] == "branch")["startFromRev"]);
    }
}
