namespace P4Flow.Protocol.Tests;

public sealed class ProtocolVersionTests
{
    [Theory]
    [InlineData("1.0", true)]
    [InlineData("1.7", true)]
    [InlineData("2.0", false)]
    [InlineData("0.9", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsAccepted_Version_OnlyKnownMajors(string? version, bool accepted) =>
        Assert.Equal(accepted, ProtocolVersion.IsAccepted(version));

    [Fact]
    public void Current_IsAccepted() => Assert.True(ProtocolVersion.IsAccepted(ProtocolVersion.Current));
}
