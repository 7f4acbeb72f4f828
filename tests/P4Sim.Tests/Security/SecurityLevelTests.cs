namespace P4Flow.P4Sim.Tests.Security;

/// <summary>What each security level lets through: the server's check runs before every command.</summary>
public sealed class SecurityLevelTests : IDisposable
{
    private const string BadPassword = "Perforce password (P4PASSWD) invalid or unset.";
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    private P4Result WithPassword(string password, params string[] args) =>
        _p4.RunWith(new Dictionary<string, string> { ["P4PASSWD"] = password }, "", args);

    [Fact]
    public void LevelZero_UserWithoutPassword_NeedsNoCredentials()
    {
        Assert.Equal(0, _p4.Run("counters").Exit);
    }

    [Fact]
    public void LevelZero_UserWithPassword_MustGiveItOrATicket()
    {
        SecuredDepot.SetPassword(_p4);

        var none = _p4.Run("opened");
        var wrong = WithPassword("nope", "opened");
        var right = WithPassword(SecuredDepot.Password, "opened");

        Assert.Equal(1, none.Exit);
        Assert.Equal([BadPassword], none.Err);
        Assert.Equal([BadPassword], wrong.Err);
        Assert.Equal(0, right.Exit);
    }

    [Fact]
    public void LevelZero_GlobalPasswordOption_Accepted()
    {
        SecuredDepot.SetPassword(_p4);

        Assert.Equal(0, _p4.Run("-P", SecuredDepot.Password, "counters").Exit);
    }

    [Fact]
    public void LevelThree_RefusesP4Passwd()
    {
        SecuredDepot.Secure(_p4, 3);
        SimHarness.Ok(_p4.Run("logout"));

        var result = WithPassword(SecuredDepot.Password, "opened");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Password not allowed at this server security level, use 'p4 login'."], result.Err);
    }

    [Fact]
    public void LevelThree_MissingTicket_PasswordInvalidOrUnset()
    {
        SecuredDepot.Secure(_p4, 3);
        SimHarness.Ok(_p4.Run("logout"));

        var result = _p4.Run("opened");

        Assert.Equal(1, result.Exit);
        Assert.Equal([BadPassword], result.Err);
    }

    [Fact]
    public void LevelThree_FreshTicket_Accepted_UntilItExpires()
    {
        SecuredDepot.Secure(_p4, 3);

        var fresh = _p4.Run("opened");
        var lastSecond = _p4.RunWith(SecuredDepot.At(43199), "", "opened");
        var expired = _p4.RunWith(SecuredDepot.At(43200), "", "opened");
        var expiredScript = _p4.RunWith(SecuredDepot.At(50000), "", "-s", "sync");

        Assert.Equal(0, fresh.Exit);
        Assert.Equal(0, lastSecond.Exit);
        Assert.Equal(1, expired.Exit);
        Assert.Empty(expired.Stdout);
        Assert.Equal(["Your session has expired, please login again."], expired.Err);
        Assert.Equal(["error: Your session has expired, please login again.", "exit: 1"], expiredScript.Out);
    }

    [Fact]
    public void LevelThree_LoginAfterExpiry_LetsCommandsThroughAgain()
    {
        SecuredDepot.Secure(_p4, 3);
        var later = SecuredDepot.At(50000);

        var login = _p4.RunWith(later, SecuredDepot.Password + "\n", "login");
        var result = _p4.RunWith(later, "", "opened");

        Assert.Equal(0, login.Exit);
        Assert.Equal(0, result.Exit);
    }

    [Fact]
    public void LevelOne_UserWithoutPassword_MustSetOne()
    {
        SecuredDepot.Secure(_p4, 1);

        var alice = _p4.RunOther("alice", "alice-ws", "opened");

        Assert.Equal(1, alice.Exit);
        Assert.Equal(["Password must be set before access can be granted."], alice.Err);
    }

    [Fact]
    public void Info_AnswersWithoutCredentials()
    {
        SecuredDepot.Secure(_p4, 3);
        SimHarness.Ok(_p4.Run("logout"));

        Assert.Equal(0, _p4.Run("info").Exit);
    }
}
