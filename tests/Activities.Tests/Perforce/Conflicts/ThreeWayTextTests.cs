using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Conflicts;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Tests.Perforce.Conflicts;

public sealed class ThreeWayTextTests
{
    private static readonly (string, string, string) Labels = ("//depot/main/a.c#1", "//depot/main/a.c#2", "//depot/rel/a.c#2");

    [Fact]
    public void Build_OneSideChangesEach_MergedTakesBothWithoutMarkers()
    {
        var text = ThreeWayText.Build("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nc\nD\n", Labels);

        Assert.Equal("a\nB\nc\nD\n", text.Merged);
        Assert.Equal(0, text.Conflicts);
        Assert.Equal(["theirs", "yours"], text.Chunks.Select(c => c.Kind));
        var theirs = text.Chunks[0];
        Assert.Equal((1, 1, 1, 1), (theirs.BaseStart, theirs.BaseCount, theirs.TheirsStart, theirs.TheirsCount));
        Assert.Null(ThreeWayText.MarkerLine(text.Merged));
    }

    [Fact]
    public void Build_BothChangeTheSameLineDifferently_ConflictBetweenP4Markers()
    {
        var text = ThreeWayText.Build("a\nb\nc\n", "a\nTHEIRS\nc\n", "a\nYOURS\nc\n", Labels);

        Assert.Equal(1, text.Conflicts);
        var chunk = Assert.Single(text.Chunks);
        Assert.Equal(("conflict", 1, 1, 1, 1, 1, 1), (chunk.Kind, chunk.BaseStart, chunk.BaseCount, chunk.TheirsStart, chunk.TheirsCount, chunk.YoursStart, chunk.YoursCount));
        Assert.Equal(
            "a\n>>>> ORIGINAL //depot/main/a.c#1\nb\n==== THEIRS //depot/main/a.c#2\nTHEIRS\n==== YOURS //depot/rel/a.c#2\nYOURS\n<<<<\nc\n",
            text.Merged);
        Assert.Equal(2, ThreeWayText.MarkerLine(text.Merged));
    }

    [Fact]
    public void Build_SameChangeOnBothSides_TakenOnce()
    {
        var text = ThreeWayText.Build("a\nb\n", "a\nX\n", "a\nX\n", Labels);

        Assert.Equal("a\nX\n", text.Merged);
        Assert.Equal("both", Assert.Single(text.Chunks).Kind);
    }

    [Fact]
    public void Build_YoursWithoutFinalNewline_MergedEndsTheSame()
    {
        var text = ThreeWayText.Build("a\nb", "a\nB", "a\nb", Labels);

        Assert.Equal("a\nB", text.Merged);
    }

    [Fact]
    public void Build_WindowsLineEnds_Kept()
    {
        var text = ThreeWayText.Build("a\r\nb\r\n", "a\r\nB\r\n", "a\r\nb\r\n", Labels);

        Assert.Equal("a\r\nB\r\n", text.Merged);
    }

    [Theory]
    [InlineData("ok\n<<<<\n", 2)]
    [InlineData("==== YOURS x\r\n", 1)]
    [InlineData("ok\n<<<< not a marker\n", null)]
    [InlineData("a >>>> ORIGINAL inside a line\n", null)]
    public void MarkerLine_FindsOnlyWholeMarkerLines(string merged, int? line) => Assert.Equal(line, ThreeWayText.MarkerLine(merged));

    [Fact]
    public void Settlements_EditStillSettling_IsUnfinishedUntilALaterEntrySettlesIt()
    {
        var job = new WorkflowInstance { Id = "job" };
        var at = new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc);
        job.Outputs[Settlements.OutputKey] = Settlements.With(job, new Settlements.Entry("//depot/rel/a.c", "edit", "ann", at, Settlements.Settling, null));
        job.Outputs[Settlements.OutputKey] = Settlements.With(job, new Settlements.Entry("//depot/rel/b.c", "theirs", "ann", at, Settlements.Settled, null));

        Assert.Equal(["//depot/rel/a.c"], Settlements.Unfinished(job));

        job.Outputs[Settlements.OutputKey] = Settlements.With(job, new Settlements.Entry("//depot/rel/a.c", "edit", "ann", at, Settlements.Settled, null));
        Assert.Empty(Settlements.Unfinished(job));
        Assert.Equal(3, Settlements.Of(job).Count);
        Assert.IsType<JsonArray>(job.Outputs[Settlements.OutputKey]);
    }
}
