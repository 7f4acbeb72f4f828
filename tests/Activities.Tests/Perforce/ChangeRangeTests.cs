using P4Flow.Activities.Perforce;

namespace P4Flow.Activities.Tests.Perforce;

/// <summary>The job's `changes` input as p4 revision ranges, and the mistakes it is refused for.</summary>
public sealed class ChangeRangeTests
{
    [Theory]
    [InlineData("42", 42, 42, "@42,@42", "42")]
    [InlineData("40,42", 40, 42, "@40,@42", "40,42")]
    [InlineData("42,42", 42, 42, "@42,@42", "42")]
    [InlineData(",42", null, 42, "@42", ",42")]
    [InlineData(" 40,42\n", 40, 42, "@40,@42", "40,42")]
    [InlineData("2147483647", 2147483647, 2147483647, "@2147483647,@2147483647", "2147483647")]
    public void TryParse_ValidText_GivesRevisionRange(string text, int? from, int to, string revisions, string written)
    {
        var range = ChangeRange.TryParse(text, out var error);

        Assert.Null(error);
        Assert.NotNull(range);
        Assert.Equal(from, range.From);
        Assert.Equal(to, range.To);
        Assert.Equal(revisions, range.RevisionRange);
        Assert.Equal(written, range.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("42,")]
    [InlineData(",")]
    [InlineData("-1")]
    [InlineData("40-42")]
    [InlineData("40,41,42")]
    [InlineData("40, 42")]
    [InlineData("40 ,42")]
    [InlineData("4 2")]
    [InlineData("@42")]
    [InlineData("+42")]
    [InlineData("42.0")]
    [InlineData("١٢")]
    [InlineData("４２")]
    public void TryParse_NotAChangelistOrRange_SaysWhatIsExpected(string text)
    {
        var range = ChangeRange.TryParse(text, out var error);

        Assert.Null(range);
        Assert.Equal($"'changes' must be a changelist (42), a range (40,42) or everything up to one (,42); got '{text}'.", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData(",0")]
    [InlineData("0,42")]
    [InlineData("2147483648")]
    [InlineData("1,9999999999")]
    public void TryParse_NumberOutOfRange_NamesTheBounds(string text)
    {
        var range = ChangeRange.TryParse(text, out var error);

        Assert.Null(range);
        Assert.Equal($"'changes': changelist numbers run from 1 to 2147483647; got '{text}'.", error);
    }

    [Fact]
    public void TryParse_RangeBackwards_AsksForLowerFirst()
    {
        var range = ChangeRange.TryParse("42,40", out var error);

        Assert.Null(range);
        Assert.Equal("'changes': the range 42,40 runs backwards; write the lower changelist first.", error);
    }
}
