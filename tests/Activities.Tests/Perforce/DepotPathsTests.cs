using P4Flow.Activities.Perforce;

namespace P4Flow.Activities.Tests.Perforce;

public sealed class DepotPathsTests
{
    [Theory]
    [InlineData("//depot/rel/...")]
    [InlineData("//depot/main/...")]
    [InlineData("//depot/rel/a.c")]
    [InlineData("//depot/release-1.2/src_x/...")]
    public void IsValid_DepotPath_True(string path) => Assert.True(DepotPaths.IsValid(path));

    [Theory]
    [InlineData("-b")]
    [InlineData("//depot/a b/...")]
    [InlineData("//depot/a\n-x")]
    [InlineData("../x")]
    [InlineData("//depot/x@1")]
    [InlineData("//depot/x#1")]
    [InlineData("//depot/.../x")]
    [InlineData("/depot/rel/...")]
    [InlineData("")]
    [InlineData(null)]
    public void IsValid_OptionSpaceNewlineRelativeOrRevision_False(string? path) => Assert.False(DepotPaths.IsValid(path));

    [Fact]
    public void Require_Invalid_ThrowsNamingTheInput()
    {
        var error = Assert.Throws<ActivityInputException>(() => DepotPaths.Require("-b", "target"));

        Assert.Equal("target", error.Input);
    }

    [Fact]
    public void Require_Valid_ReturnsThePath() => Assert.Equal("//depot/rel/...", DepotPaths.Require("//depot/rel/...", "target"));
}
