using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class ResolveParserTests
{
    private const string Workspace = "/tmp/p4flow-capture/demo/workspace";

    [Fact]
    public void Resolve_ReferenceTextBlock_MergedSkippedIgnoredAndCopied()
    {
        var output = P4Run.Parse("""
            /ws/rel/a.c - merging //depot/main/a.c#3
            Diff chunks: 1 yours + 1 theirs + 0 both + 0 conflicting
            //ws/rel/a.c - merge from //depot/main/a.c
            /ws/rel/b.c - merging //depot/main/b.c#2,#5
            Diff chunks: 0 yours + 0 theirs + 0 both + 1 conflicting
            //ws/rel/b.c - resolve skipped.
            /ws/rel/c.c - merging //depot/main/c.c#4
            Diff chunks: 1 yours + 0 theirs + 1 both + 0 conflicting
            //ws/rel/c.c - ignored //depot/main/c.c
            /ws/rel/d.bin - vs //depot/main/d.bin#2
            //ws/rel/d.bin - copy from //depot/main/d.bin
            Non-text diff: 0 yours + 1 theirs + 0 both + 0 conflicting
            """);

        var result = P4Parsers.Resolve(output);

        Assert.Equal(
            [
                new P4File("//ws/rel/a.c", "merge from", null, "//depot/main/a.c"),
                new P4File("//ws/rel/c.c", "ignored", null, "//depot/main/c.c"),
                new P4File("//ws/rel/d.bin", "copy from", null, "//depot/main/d.bin"),
            ],
            result.Resolved);
        Assert.Equal([new P4Conflict("/ws/rel/b.c", "//depot/main/b.c", P4Conflict.TextConflict)], result.Skipped);
        Assert.Empty(result.WithMarkers);
        Assert.False(result.NothingToResolve);
    }

    [Fact]
    public void Resolve_SkippedConflictExitZero_SkippedButNotFailed()
    {
        var output = P4Run.Parse("""
            /ws/rel/b.c - merging //depot/main/b.c#2,#5
            Diff chunks: 0 yours + 0 theirs + 0 both + 1 conflicting
            //ws/rel/b.c - resolve skipped.
            """);

        var result = P4Parsers.Resolve(output);

        Assert.False(output.Failed);
        Assert.Equal("/ws/rel/b.c", Assert.Single(result.Skipped).File);
        Assert.Empty(result.Resolved);
        Assert.Equal(P4ErrorClass.Conflict, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Resolve_ForcedMergeWithConflictingChunks_EditFromWithMarkers()
    {
        var output = P4Run.Parse("""
            /ws/rel/b.c - merging //depot/main/b.c#2,#5
            Diff chunks: 0 yours + 0 theirs + 0 both + 1 conflicting
            //ws/rel/b.c - edit from //depot/main/b.c
            """);

        var result = P4Parsers.Resolve(output);

        Assert.Equal([new P4File("//ws/rel/b.c", "edit from", null, "//depot/main/b.c")], result.Resolved);
        Assert.Equal([new P4Conflict("/ws/rel/b.c", "//depot/main/b.c", P4Conflict.TextConflict)], result.WithMarkers);
    }

    [Fact]
    public void Resolve_ChunkCountsOfTheFileBefore_DoNotMarkTheNextFile()
    {
        var output = P4Run.Parse("""
            /ws/rel/b.c - merging //depot/main/b.c#2,#5
            Diff chunks: 0 yours + 0 theirs + 0 both + 1 conflicting
            //ws/rel/b.c - ignored //depot/main/b.c
            /ws/rel/a.c - merging //depot/main/a.c#3
            //ws/rel/a.c - merge from //depot/main/a.c
            """);

        Assert.Empty(P4Parsers.Resolve(output).WithMarkers);
    }

    [Fact]
    public void Resolve_BinaryTwoWaySkipped_SkippedAsBinary()
    {
        var output = P4Run.Parse("""
            /ws/rel/d.bin - vs //depot/main/d.bin#2
            Non-text diff: 0 yours + 1 theirs + 0 both + 0 conflicting
            //ws/rel/d.bin - resolve skipped.
            """);

        Assert.Equal([new P4Conflict("/ws/rel/d.bin", "//depot/main/d.bin", P4Conflict.Binary)], P4Parsers.Resolve(output).Skipped);
    }

    [Theory]
    [InlineData("No file(s) to resolve.")]
    [InlineData("//ws/... - no file(s) to resolve.")]
    public void Resolve_NoFilesWarning_NothingToResolveNotFailed(string line)
    {
        var output = P4Run.Parse(stderr: line + "\n");

        Assert.True(P4Parsers.Resolve(output).NothingToResolve);
        Assert.False(output.Failed);
        Assert.Equal(P4ErrorClass.NothingToDo, P4ErrorClass.Classify(output));
    }

    [Fact]
    public void Resolve_TamperedText_FailedConflict()
    {
        var output = P4Run.Parse(stderr: "/ws/rel/e.c tampered with before resolve - edit or revert.\n", exit: 1);

        Assert.True(output.Failed);
        Assert.Empty(P4Parsers.Resolve(output).Resolved);
        Assert.Equal(P4ErrorClass.Conflict, P4ErrorClass.Classify(output));
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Resolve_SimulatorAcceptMerge_OneMergedConflictAndBinarySkipped(string form)
    {
        var output = Capture.Parse("resolve-am-demo", form);

        var result = P4Parsers.Resolve(output);

        Assert.Equal([new P4File("//demo-ws/rel/clean.c", "merge from", null, "//depot/main/clean.c")], result.Resolved);
        Assert.Equal(
            [
                new P4Conflict($"{Workspace}/rel/conflict.c", "//depot/main/conflict.c", P4Conflict.TextConflict),
                new P4Conflict($"{Workspace}/rel/logo.bin", "//depot/main/logo.bin", P4Conflict.Binary),
            ],
            result.Skipped);
        Assert.Empty(result.WithMarkers);
        Assert.Equal(0, output.Result.ExitCode);
        Assert.False(output.Failed);
        Assert.True(output.Says("Non-text diff: 0 yours + 1 theirs + 0 both + 0 conflicting"));
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Resolve_SimulatorForce_EditFromWithMarkers(string form)
    {
        var result = P4Parsers.Resolve(Capture.Parse("resolve-af", form));

        Assert.Equal([new P4File("//demo-ws/rel/conflict.c", "edit from", null, "//depot/main/conflict.c")], result.Resolved);
        Assert.Equal([new P4Conflict($"{Workspace}/rel/conflict.c", "//depot/main/conflict.c", P4Conflict.TextConflict)], result.WithMarkers);
        Assert.Empty(result.Skipped);
    }

    [Theory]
    [InlineData("resolve-at", "//demo-ws/rel/logo.bin", "copy from", "//depot/main/logo.bin")]
    [InlineData("resolve-ay", "//demo-ws/rel/conflict.c", "ignored", "//depot/main/conflict.c")]
    public void Resolve_SimulatorTheirsOrYours_OneSideTakenNoMarkers(string capture, string file, string how, string from)
    {
        foreach (var form in new[] { Capture.Text, Capture.Tagged })
        {
            var result = P4Parsers.Resolve(Capture.Parse(capture, form));

            Assert.Equal([new P4File(file, how, null, from)], result.Resolved);
            Assert.Empty(result.WithMarkers);
            Assert.Empty(result.Skipped);
        }
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Resolve_SimulatorSafe_EditedOnBothSidesSkippedBinaryCopied(string form)
    {
        var result = P4Parsers.Resolve(Capture.Parse("resolve-as", form));

        Assert.Equal([new P4File("//demo-ws/rel/logo.bin", "copy from", null, "//depot/main/logo.bin")], result.Resolved);
        Assert.Equal([new P4Conflict($"{Workspace}/rel/clean.c", "//depot/main/clean.c", P4Conflict.TextConflict)], result.Skipped);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Resolve_SimulatorNoFilesForArgument_NothingToResolve(string form)
    {
        var output = Capture.Parse("resolve-none-arg", form);

        Assert.True(P4Parsers.Resolve(output).NothingToResolve);
        Assert.False(output.Failed);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Resolve_SimulatorTampered_FailedConflict(string form)
    {
        var output = Capture.Parse("resolve-tampered", form);

        Assert.True(output.Failed);
        Assert.Equal($"{Workspace}/rel/clean.c tampered with before resolve - edit or revert.", Assert.Single(output.Errors).Text);
        Assert.Empty(P4Parsers.Resolve(output).Resolved);
    }
}
