using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class ResolvePreviewParserTests
{
    private const string Workspace = "/tmp/p4flow-capture/demo/workspace";

    [Fact]
    public void ResolvePreview_ReferenceMergingAndVsLines_ConflictAndBinary()
    {
        var output = P4Run.Parse("""
            /ws/rel/a.c - merging //depot/main/a.c#3
            /ws/rel/b.c - merging //depot/main/b.c#2,#5
            /ws/rel/d.bin - vs //depot/main/d.bin#2
            """);

        var preview = P4Parsers.ResolvePreview(output);

        Assert.Equal(
            [
                new P4Conflict("/ws/rel/a.c", "//depot/main/a.c", P4Conflict.TextConflict),
                new P4Conflict("/ws/rel/b.c", "//depot/main/b.c", P4Conflict.TextConflict),
                new P4Conflict("/ws/rel/d.bin", "//depot/main/d.bin", P4Conflict.Binary),
            ],
            preview.Pending);
        Assert.False(preview.Clean);
    }

    [Fact]
    public void ResolvePreview_NonContentResolve_Pending()
    {
        var output = P4Run.Parse("/ws/rel/f.c - resolving branch from //depot/main/f.c#2\n");

        Assert.Equal([new P4Conflict("/ws/rel/f.c", "//depot/main/f.c", P4Conflict.TextConflict)], P4Parsers.ResolvePreview(output).Pending);
    }

    [Theory]
    [InlineData("3waytext", P4Conflict.TextConflict)]
    [InlineData("3wayraw", P4Conflict.Binary)]
    [InlineData("2wayraw", P4Conflict.Binary)]
    public void ResolvePreview_TaggedContentResolveType_Reason(string contentResolveType, string reason)
    {
        var output = P4Run.Parse($$"""{"clientFile":"/ws/rel/a.c","fromFile":"//depot/main/a.c","startFromRev":"2","endFromRev":"3","resolveType":"content","resolveFlag":"c","contentResolveType":"{{contentResolveType}}"}""");

        Assert.Equal([new P4Conflict("/ws/rel/a.c", "//depot/main/a.c", reason)], P4Parsers.ResolvePreview(output).Pending);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void ResolvePreview_SimulatorAfterIntegrate_AllThreePending(string form)
    {
        var preview = P4Parsers.ResolvePreview(Capture.Parse("resolve-n-demo", form));

        Assert.Equal(
            [
                new P4Conflict($"{Workspace}/rel/clean.c", "//depot/main/clean.c", P4Conflict.TextConflict),
                new P4Conflict($"{Workspace}/rel/conflict.c", "//depot/main/conflict.c", P4Conflict.TextConflict),
                new P4Conflict($"{Workspace}/rel/logo.bin", "//depot/main/logo.bin", P4Conflict.Binary),
            ],
            preview.Pending);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void ResolvePreview_SimulatorAfterAcceptMerge_ConflictAndBinaryLeft(string form)
    {
        var preview = P4Parsers.ResolvePreview(Capture.Parse("resolve-n-after-am", form));

        Assert.Equal(
            [
                new P4Conflict($"{Workspace}/rel/conflict.c", "//depot/main/conflict.c", P4Conflict.TextConflict),
                new P4Conflict($"{Workspace}/rel/logo.bin", "//depot/main/logo.bin", P4Conflict.Binary),
            ],
            preview.Pending);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void ResolvePreview_SimulatorAllResolved_CleanAndNotFailed(string form)
    {
        var output = Capture.Parse("resolve-n-clean", form);

        Assert.True(P4Parsers.ResolvePreview(output).Clean);
        Assert.True(output.Says("No file(s) to resolve."));
        Assert.False(output.Failed);
    }

    [Fact]
    public void ResolvePreview_NoFilesWarningText_Clean()
    {
        var output = P4Run.Parse(stderr: "No file(s) to resolve.\n");

        Assert.True(P4Parsers.ResolvePreview(output).Clean);
        Assert.False(output.Failed);
    }
}
