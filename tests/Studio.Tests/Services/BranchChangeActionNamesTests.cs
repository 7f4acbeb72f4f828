using P4Flow.Studio.Services;

namespace P4Flow.Studio.Tests.Services;

public sealed class BranchChangeActionNamesTests
{
    [Theory]
    [InlineData("awaiting_approval", "approve,skip")]
    [InlineData("failed", "retry,skip")]
    [InlineData("needs_resolve", "shelve,stomp,acknowledge,skip")]
    [InlineData("pending", "skip")]
    [InlineData("integrating", "skip")]
    [InlineData("integrated", "")]
    [InlineData("skipped", "")]
    [InlineData("shelved", "")]
    public void For_EachStatus_TheActionsThatApply(string status, string actions) =>
        Assert.Equal(actions, string.Join(",", BranchChangeActionNames.For(status)));
}
