namespace P4Flow.P4Sim.Tests.Security;

public sealed class UserTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void UserOutput_NewUser_DefaultsWithoutDates()
    {
        var result = _p4.Run("user", "-o");

        Assert.Equal("# A Perforce User Specification.", result.Out[0]);
        Assert.Equal(
            ["User:\tbob", "", "Type:\tstandard", "", "Email:\tbob@ws", "", "FullName:\tbob", "", "AuthMethod:\tperforce"],
            result.Out.SkipWhile(l => l.StartsWith('#') || l.Length == 0));
    }

    [Fact]
    public void UserOutput_WithPassword_TaggedFieldsMaskThePassword()
    {
        SecuredDepot.SetPassword(_p4);

        var result = _p4.RunWith(new Dictionary<string, string> { ["P4PASSWD"] = SecuredDepot.Password }, "", "-ztag", "user", "-o");

        Assert.Equal(
            ["... User bob", "... Type standard", "... Email bob@ws", "... Update 2024/05/01 12:00:00", "... Access 2024/05/01 12:00:00",
             "... FullName bob", "... Password ******", "... AuthMethod perforce"],
            result.Out);
    }
}
