namespace P4Flow.P4Sim.Tests.Security;

public sealed class PasswdTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void Passwd_FirstPassword_PromptsTwiceAndUpdates()
    {
        var result = _p4.RunWithInput("Secret-123\nSecret-123\n", "passwd");

        Assert.Equal(0, result.Exit);
        Assert.Equal("Enter new password: \nRe-enter new password: \nPassword updated.\n", result.Stdout);
    }

    [Fact]
    public void Passwd_StoredHashedNeverInClear()
    {
        SecuredDepot.SetPassword(_p4, "Clear-Text-9");

        var depot = File.ReadAllText(Path.Combine(_p4.DepotRoot, "depot.json"));

        Assert.DoesNotContain("Clear-Text-9", depot, StringComparison.Ordinal);
        Assert.Contains("pbkdf2-sha256$", depot, StringComparison.Ordinal);
    }

    [Fact]
    public void Passwd_AnswersDiffer_PasswordsDontMatch()
    {
        var result = _p4.RunWithInput("Secret-123\nSecret-124\n", "passwd");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Passwords don't match."], result.Err);
        Assert.Equal("'login' not necessary, no password set for this user.\n", _p4.Run("login").Stdout);
    }

    [Fact]
    public void Passwd_Change_AsksOldPasswordFirst()
    {
        SecuredDepot.SetPassword(_p4);

        var wrongOld = _p4.RunWithInput("guess\nNew-Secret-1\nNew-Secret-1\n", "passwd");
        var change = _p4.RunWithInput($"{SecuredDepot.Password}\nNew-Secret-1\nNew-Secret-1\n", "passwd");
        var login = SecuredDepot.Login(_p4, "New-Secret-1");

        Assert.Equal(["Enter old password: "], wrongOld.Out);
        Assert.Equal(["Password invalid."], wrongOld.Err);
        Assert.Equal("Enter old password: \nEnter new password: \nRe-enter new password: \nPassword updated.\n", change.Stdout);
        Assert.Equal(0, login.Exit);
    }

    [Fact]
    public void Passwd_FlagsInsteadOfPrompts()
    {
        SimHarness.Ok(_p4.Run("passwd", "-P", "Secret-123"));

        var result = _p4.Run("passwd", "-O", "Secret-123", "-P", "Other-456");

        Assert.Equal(["Password updated."], result.Out);
        Assert.Equal(0, SecuredDepot.Login(_p4, "Other-456").Exit);
    }

    [Fact]
    public void Passwd_SuperUserSetsAnotherUsersPassword_WithoutTheirOldOne()
    {
        SecuredDepot.SetPassword(_p4);
        SimHarness.Ok(SecuredDepot.Login(_p4));

        var result = _p4.RunWithInput("Alice-Pass-1\nAlice-Pass-1\n", "passwd", "alice");
        var aliceLogin = _p4.RunAs(
            new Dictionary<string, string>(_p4.Environment) { ["P4USER"] = "alice" }, "Alice-Pass-1\n", "login");

        Assert.Equal("Enter new password: \nRe-enter new password: \nPassword updated.\n", result.Stdout);
        Assert.Equal(["Enter password: ", "User alice logged in."], aliceLogin.Out);
    }

    [Fact]
    public void Passwd_AnotherUser_CallerMustBeLoggedIn()
    {
        SecuredDepot.SetPassword(_p4);

        var result = _p4.RunWithInput("Alice-Pass-1\nAlice-Pass-1\n", "passwd", "alice");

        Assert.Equal(["Perforce password (P4PASSWD) invalid or unset."], result.Err);
    }

    [Fact]
    public void Passwd_Changed_OldTicketNoLongerValid()
    {
        SecuredDepot.Secure(_p4, 3);

        SimHarness.Ok(_p4.Run("passwd", "-O", SecuredDepot.Password, "-P", "New-Secret-1"));
        var result = _p4.Run("opened");

        Assert.Equal(1, result.Exit);
    }

    [Theory]
    [InlineData("Short-1", "Password should be at least 8 characters in length.")]
    [InlineData("alllowercase", "Password should be mixed case or contain non alphabetic characters.")]
    public void Passwd_WeakAtLevelOne_Refused(string password, string error)
    {
        SecuredDepot.Secure(_p4, 1);

        var result = _p4.Run("passwd", "-O", SecuredDepot.Password, "-P", password);

        Assert.Equal(1, result.Exit);
        Assert.Equal([error], result.Err);
    }

    [Fact]
    public void Passwd_EmptyAtLevelZero_Deletes()
    {
        SecuredDepot.SetPassword(_p4);

        var result = _p4.RunWithInput($"{SecuredDepot.Password}\n\n\n", "passwd");

        Assert.EndsWith("Password deleted.\n", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, _p4.Run("opened").Exit);
    }
}
