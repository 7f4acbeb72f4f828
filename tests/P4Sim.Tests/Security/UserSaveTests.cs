using System.Text.Json;

namespace P4Flow.P4Sim.Tests.Security;

/// <summary>p4 user -i [-f]: saving a user spec form, and what user -o shows afterwards.</summary>
public sealed class UserSaveTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    private static string Form(string user, string email, string fullName, string extra = "") =>
        $"User:\t{user}\n\nEmail:\t{email}\n\nFullName:\t{fullName}\n\n{extra}";

    [Fact]
    public void UserInput_OwnFormFromUserOutput_SavesTheEmail()
    {
        var form = _p4.Run("user", "-o").Stdout.Replace("Email:\tbob@ws", "Email:\tbob@example.com", StringComparison.Ordinal);

        var result = _p4.RunWithInput(form, "user", "-i");

        Assert.Equal((0, "User bob saved.\n", ""), (result.Exit, result.Stdout, result.Stderr));
        Assert.Equal(
            ["User:\tbob", "", "Type:\tstandard", "", "Email:\tbob@example.com", "", "Update:\t2024/05/01 12:00:00", "",
             "Access:\t2024/05/01 12:00:00", "", "FullName:\tbob", "", "AuthMethod:\tperforce"],
            _p4.Run("user", "-o").Out.SkipWhile(l => l.StartsWith('#') || l.Length == 0));
    }

    [Fact]
    public void UserInput_SameFormTwice_NotChanged()
    {
        SimHarness.Ok(_p4.RunWithInput(Form("bob", "bob@example.com", "Bob Builder"), "user", "-i"));

        var again = _p4.RunWithInput(_p4.Run("user", "-o").Stdout, "user", "-i");

        Assert.Equal((0, "User bob not changed.\n"), (again.Exit, again.Stdout));
    }

    [Fact]
    public void UserInput_AnotherUsersFormWithoutForce_RefusedAndNothingSaved()
    {
        var result = _p4.RunWithInput(Form("alice", "alice@example.com", "Alice"), "user", "-i");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["User name can't be changed from 'bob'."], result.Err);
        Assert.DoesNotContain("Update:\t2024/05/01 12:00:00", _p4.Run("user", "-o", "alice").Out);
    }

    [Fact]
    public void UserInput_AnotherUsersFormWithForce_CreatesTheUser()
    {
        var result = _p4.RunWithInput(Form("alice", "alice@example.com", "Alice Liddell"), "user", "-f", "-i");

        Assert.Equal((0, "User alice saved.\n"), (result.Exit, result.Stdout));
        Assert.Equal(
            ["{\"User\":\"alice\",\"Type\":\"standard\",\"Email\":\"alice@example.com\",\"Update\":\"2024/05/01 12:00:00\"," +
             "\"Access\":\"2024/05/01 12:00:00\",\"FullName\":\"Alice Liddell\",\"AuthMethod\":\"perforce\"}"],
            _p4.Run("-ztag", "-Mj", "user", "-o", "alice").Out);
    }

    [Fact]
    public void UserOutputJson_UserWithoutSpec_NoUpdateOrAccess()
    {
        Assert.Equal(
            ["{\"User\":\"nosuch\",\"Type\":\"standard\",\"Email\":\"nosuch@ws\",\"FullName\":\"nosuch\",\"AuthMethod\":\"perforce\"}"],
            _p4.Run("-ztag", "-Mj", "user", "-o", "nosuch").Out);
    }

    [Fact]
    public void UserInput_FlagsRunTogether_ReadAsForceAndInput()
    {
        var result = _p4.RunWithInput(Form("alice", "alice@example.com", "Alice"), "user", "-fi");

        Assert.Equal(["User alice saved."], result.Out);
    }

    [Fact]
    public void UserInput_MissingRequiredField_ErrorInSpecification()
    {
        var noFullName = _p4.RunWithInput("User:\tbob\n\nEmail:\tbob@example.com\n", "user", "-i");
        var noUser = _p4.RunWithInput("Email:\tbob@example.com\n\nFullName:\tBob\n", "user", "-i");

        Assert.Equal((1, "Error in user specification.\nMissing required field 'FullName'.\n"), (noFullName.Exit, noFullName.Stderr));
        Assert.Equal(["Error in user specification.", "Missing required field 'User'."], noUser.Err);
    }

    [Fact]
    public void UserInput_UnknownField_ErrorWithItsLine()
    {
        var result = _p4.RunWithInput("# a comment\nUser:\tbob\n\nEmail:\tbob@example.com\nTeam:\tbuild\nFullName:\tBob\n", "user", "-i");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Error in user specification.", "Error detected at line 5.", "Unknown field name 'Team'."], result.Err);
    }

    [Fact]
    public void UserInput_NotAForm_SyntaxError()
    {
        var result = _p4.RunWithInput("test-input!", "user", "-i");

        Assert.Equal(["Error in user specification.", "Error detected at line 1.", "Syntax error in 'test-input!'."], result.Err);
    }

    [Fact]
    public void UserInputJson_SpecError_GenericIllegal()
    {
        var result = _p4.RunWithInput("User:\tbob\n", "-ztag", "-Mj", "user", "-i");

        using var error = JsonDocument.Parse(result.Err.Single());
        Assert.Equal("Error in user specification.\nMissing required field 'Email'.\n", error.RootElement.GetProperty("data").GetString());
        Assert.Equal(3, error.RootElement.GetProperty("severity").GetInt32());
        Assert.Equal(4, error.RootElement.GetProperty("generic").GetInt32());
    }

    [Fact]
    public void UserInputTagged_Saved_StaysAnInfoMessage()
    {
        var tagged = _p4.RunWithInput(Form("bob", "bob@example.com", "Bob"), "-ztag", "user", "-i");
        var json = _p4.RunWithInput(Form("bob", "bob@example.org", "Bob"), "-ztag", "-Mj", "user", "-i");

        Assert.Equal("User bob saved.\n", tagged.Stdout);
        Assert.Equal(["{\"data\":\"User bob saved.\",\"level\":0}"], json.Out);
    }

    [Fact]
    public void UserInput_ReviewsAndJobView_KeptAndShown()
    {
        SimHarness.Ok(_p4.RunWithInput(
            Form("bob", "bob@example.com", "Bob", "JobView:\tstatus=open\n\nReviews:\n\t//depot/main/...\n\t//depot/rel/...\n"), "user", "-i"));

        var tagged = _p4.Run("-ztag", "user", "-o").Out;

        Assert.Equal(
            ["... FullName Bob", "... JobView status=open", "... AuthMethod perforce", "... Reviews0 //depot/main/...", "... Reviews1 //depot/rel/..."],
            tagged.SkipWhile(l => !l.StartsWith("... FullName", StringComparison.Ordinal)));
    }

    [Fact]
    public void UserInputForce_UpdateDateInForm_Kept()
    {
        var result = _p4.RunWithInput(Form("alice", "alice@example.com", "Alice", "Update:\t2023/01/02 03:04:05\n"), "user", "-f", "-i");

        Assert.Equal(["User alice saved."], result.Out);
        Assert.Contains("... Update 2023/01/02 03:04:05", _p4.Run("-ztag", "user", "-o", "alice").Out);
    }

    [Fact]
    public void UserInput_PasswordAtLevelZero_SetsIt()
    {
        SimHarness.Ok(_p4.RunWithInput(Form("bob", "bob@example.com", "Bob", "Password:\tSecret-123\n"), "user", "-i"));

        Assert.Equal(["Enter password: ", "User bob logged in."], SecuredDepot.Login(_p4).Out);
    }

    [Fact]
    public void UserInput_PasswordAtLevelTwo_OnlyPasswdSetsPasswords()
    {
        SecuredDepot.Secure(_p4, 2);

        var result = _p4.RunWithInput(Form("bob", "bob@example.com", "Bob", "Password:\tOther-456\n"), "user", "-i");
        var masked = _p4.RunWithInput(_p4.Run("user", "-o").Stdout, "user", "-i");

        Assert.Equal(["Passwords can only be set by 'p4 passwd' at this security level."], result.Err);
        Assert.Equal(["User bob not changed."], masked.Out);
    }

    [Fact]
    public void UserInput_StrayArgument_Usage()
    {
        var result = _p4.RunWithInput(Form("bob", "bob@example.com", "Bob"), "user", "-i", "bob");

        Assert.Equal((1, "Usage: user -i [ -f ]\n"), (result.Exit, result.Stderr));
    }
}
