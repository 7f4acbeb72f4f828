using P4Flow.P4Sim.Merge;

namespace P4Flow.P4Sim.Tests.Merge;

public sealed class ThreeWayMergeTests
{
    private static readonly MergeLabels Labels = new("//depot/main/a.c#1", "//depot/main/a.c#2", "//ws/rel/a.c");

    [Fact]
    public void Merge_SeparateEdits_BothAppliedNoConflict()
    {
        var result = ThreeWayMerge.Merge("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nc\nD\n", Labels);

        Assert.Equal((1, 1, 0, 0), (result.Yours, result.Theirs, result.Both, result.Conflicting));
        Assert.Equal("a\nB\nc\nD\n", result.Merged);
    }

    [Fact]
    public void Merge_SameEditBothSides_CountedAsBoth()
    {
        var result = ThreeWayMerge.Merge("a\nb\nc\n", "a\nX\nc\n", "a\nX\nc\n", Labels);

        Assert.Equal((0, 0, 1, 0), (result.Yours, result.Theirs, result.Both, result.Conflicting));
        Assert.Equal("a\nX\nc\n", result.Merged);
    }

    [Fact]
    public void Merge_DifferentEditsSameLine_ConflictWithP4Markers()
    {
        var result = ThreeWayMerge.Merge("a\nb\nc\n", "a\nY\nc\n", "a\nT\nc\n", Labels);

        Assert.Equal(1, result.Conflicting);
        Assert.Equal(
            "a\n>>>> ORIGINAL //depot/main/a.c#1\nb\n==== THEIRS //depot/main/a.c#2\nT\n==== YOURS //ws/rel/a.c\nY\n<<<<\nc\n",
            result.Merged);
    }

    [Fact]
    public void Merge_InsertionsAtSamePlace_Conflict()
    {
        var result = ThreeWayMerge.Merge("a\nb\n", "a\nyours\nb\n", "a\ntheirs\nb\n", Labels);

        Assert.Equal((0, 0, 0, 1), (result.Yours, result.Theirs, result.Both, result.Conflicting));
    }

    [Fact]
    public void Merge_DeletionAndDistantEdit_Clean()
    {
        var result = ThreeWayMerge.Merge("1\n2\n3\n4\n5\n", "1\n3\n4\n5\n", "1\n2\n3\n4\nfive\n", Labels);

        Assert.Equal((1, 1, 0, 0), (result.Yours, result.Theirs, result.Both, result.Conflicting));
        Assert.Equal("1\n3\n4\nfive\n", result.Merged);
    }

    [Fact]
    public void Merge_Summary_ReferenceWording()
    {
        var result = ThreeWayMerge.Merge("a\n", "a\n", "b\n", Labels);

        Assert.Equal("Diff chunks: 0 yours + 1 theirs + 0 both + 0 conflicting", result.Summary);
    }
}
