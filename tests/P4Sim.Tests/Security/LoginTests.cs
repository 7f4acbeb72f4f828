using System.Text.Json;
using System.Text.RegularExpressions;

namespace P4Flow.P4Sim.Tests.Security;

public sealed partial class LoginTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void Login_UserWithoutPassword_NotNecessary()
    {
        var result = _p4.Run("login");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["'login' not necessary, no password set for this user."], result.Out);
    }

    [Fact]
    public void Login_RightPassword_PromptsAndWritesTicketLineReadableByOwnerOnly()
    {
        SecuredDepot.SetPassword(_p4);

        var result = SecuredDepot.Login(_p4);

        Assert.Equal(0, result.Exit);
        Assert.Equal("Enter password: \nUser bob logged in.\n", result.Stdout);
        var lines = File.ReadAllLines(SecuredDepot.TicketsFile(_p4));
        var line = Assert.Single(lines);
        Assert.Matches(TicketLine(), line);
        Assert.StartsWith($"localhost:{_p4.DepotRoot}=bob:", line, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(SecuredDepot.TicketsFile(_p4)));
    }

    [Fact]
    public void Login_WrongPassword_PasswordInvalidExitOneNoTicket()
    {
        SecuredDepot.SetPassword(_p4);

        var result = SecuredDepot.Login(_p4, "wrong");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Enter password: "], result.Out);
        Assert.Equal(["Password invalid."], result.Err);
        Assert.False(File.Exists(SecuredDepot.TicketsFile(_p4)));
    }

    [Fact]
    public void Login_WrongPasswordInJson_ErrorCarriesSeverityAndGeneric()
    {
        SecuredDepot.SetPassword(_p4);

        var result = _p4.RunWithInput("wrong\n", "-ztag", "-Mj", "login");

        using var error = JsonDocument.Parse(result.Err.Single());
        Assert.Equal("Password invalid.\n", error.RootElement.GetProperty("data").GetString());
        Assert.Equal(3, error.RootElement.GetProperty("severity").GetInt32());
        Assert.Equal(4, error.RootElement.GetProperty("generic").GetInt32());
    }

    [Fact]
    public void Login_NoInput_EofReadingTerminal()
    {
        SecuredDepot.SetPassword(_p4);

        var result = _p4.Run("login");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["EOF reading terminal."], result.Err);
    }

    [Fact]
    public void LoginAgain_ReplacesTheLineForTheSameServerAndUser()
    {
        SecuredDepot.SetPassword(_p4);
        SimHarness.Ok(SecuredDepot.Login(_p4));
        File.SetUnixFileMode(SecuredDepot.TicketsFile(_p4), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.AppendAllText(SecuredDepot.TicketsFile(_p4), "perforce:1666=alice:0123456789ABCDEF0123456789ABCDEF\n");

        SimHarness.Ok(_p4.RunWithInput(SecuredDepot.Password + "\n", "-u", "bob", "login"));

        var lines = File.ReadAllLines(SecuredDepot.TicketsFile(_p4));
        Assert.Equal(2, lines.Length);
        Assert.Single(lines, l => l.StartsWith($"localhost:{_p4.DepotRoot}=bob:", StringComparison.Ordinal));
        Assert.Contains("perforce:1666=alice:0123456789ABCDEF0123456789ABCDEF", lines);
    }

    [Fact]
    public void LoginStatus_FreshTicket_ExpiresInTwelveHoursAndCountsDown()
    {
        SecuredDepot.SetPassword(_p4);
        SimHarness.Ok(SecuredDepot.Login(_p4));

        var fresh = _p4.Run("login", "-s");
        var later = _p4.RunWith(SecuredDepot.At(3661), "", "login", "-s");
        var tagged = _p4.Run("-ztag", "login", "-s");
        var json = _p4.Run("-ztag", "-Mj", "login", "-s");

        Assert.Equal(["User bob ticket expires in 12 hours 0 minutes."], fresh.Out);
        Assert.Equal(["User bob ticket expires in 10 hours 58 minutes."], later.Out);
        Assert.Equal(["... User bob", "... TicketExpiration 43200"], tagged.Out);
        Assert.Equal(["{\"User\":\"bob\",\"TicketExpiration\":\"43200\"}"], json.Out);
    }

    [Fact]
    public void LoginStatus_NotLoggedIn_PasswordInvalidOrUnset()
    {
        SecuredDepot.SetPassword(_p4);

        var result = _p4.Run("login", "-s");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Perforce password (P4PASSWD) invalid or unset."], result.Err);
    }

    [Fact]
    public void LoginStatus_TicketExpired_SessionExpired()
    {
        SecuredDepot.SetPassword(_p4);
        SimHarness.Ok(SecuredDepot.Login(_p4));

        var result = _p4.RunWith(SecuredDepot.At(43200), "", "login", "-s");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Your session has expired, please login again."], result.Err);
    }

    [Fact]
    public void LoginStatus_PasswordInP4Passwd_AuthenticatedByPasswordNotTicket()
    {
        SecuredDepot.SetPassword(_p4);

        var result = _p4.RunWith(new Dictionary<string, string> { ["P4PASSWD"] = SecuredDepot.Password }, "", "login", "-s");

        Assert.Equal(["User bob was authenticated by password not ticket."], result.Out);
    }

    [Fact]
    public void LoginPrint_PrintsTicketInsteadOfStoringIt_TicketWorksAsP4Passwd()
    {
        SecuredDepot.Secure(_p4, 3);
        SimHarness.Ok(_p4.Run("logout"));

        var result = SecuredDepot.Login(_p4, SecuredDepot.Password, "-p");
        var ticket = result.Out[^1];
        var withTicket = _p4.RunWith(new Dictionary<string, string> { ["P4PASSWD"] = ticket }, "", "counters");

        Assert.Equal(["Enter password: ", ticket], result.Out);
        Assert.Matches(TicketValue(), ticket);
        Assert.DoesNotContain(ticket, File.ReadAllText(SecuredDepot.TicketsFile(_p4)), StringComparison.Ordinal);
        Assert.Equal(0, withTicket.Exit);
    }

    [Fact]
    public void Ticket_FromAnotherHost_OnlyValidWhenIssuedForAllHosts()
    {
        SecuredDepot.SetPassword(_p4);
        var elsewhere = new Dictionary<string, string> { ["P4HOST"] = "buildhost" };
        SimHarness.Ok(SecuredDepot.Login(_p4));

        var hostBound = _p4.RunWith(elsewhere, "", "counters");
        SimHarness.Ok(SecuredDepot.Login(_p4, SecuredDepot.Password, "-a"));
        var allHosts = _p4.RunWith(elsewhere, "", "counters");

        Assert.Equal(["Perforce password (P4PASSWD) invalid or unset."], hostBound.Err);
        Assert.Equal(0, allHosts.Exit);
    }

    [Fact]
    public void P4Tickets_NamesTheTicketsFile()
    {
        SecuredDepot.SetPassword(_p4);
        var tickets = Path.Combine(_p4.Folder, "agent-state", "tickets");
        var environment = new Dictionary<string, string> { ["P4TICKETS"] = tickets };

        SimHarness.Ok(_p4.RunWith(environment, SecuredDepot.Password + "\n", "login"));
        var withFile = _p4.RunWith(environment, "", "counters");
        var withoutFile = _p4.Run("counters");

        Assert.Single(File.ReadAllLines(tickets));
        Assert.False(File.Exists(SecuredDepot.TicketsFile(_p4)));
        Assert.Equal(0, withFile.Exit);
        Assert.Equal(1, withoutFile.Exit);
    }

    [Fact]
    public void Ticket_OfAnotherDepot_NotAccepted()
    {
        using var other = new SimHarness();
        SecuredDepot.SetPassword(_p4);
        SecuredDepot.SetPassword(other);
        SimHarness.Ok(SecuredDepot.Login(other));
        var otherTicket = File.ReadAllText(SecuredDepot.TicketsFile(other)).Trim().Split(':')[^1];

        var result = _p4.RunWith(new Dictionary<string, string> { ["P4PASSWD"] = otherTicket }, "", "counters");

        Assert.Equal(["Perforce password (P4PASSWD) invalid or unset."], result.Err);
    }

    [Fact]
    public void Logout_RemovesTicketLineAndServerTicket()
    {
        SecuredDepot.SetPassword(_p4);
        SimHarness.Ok(SecuredDepot.Login(_p4));
        var ticket = File.ReadAllText(SecuredDepot.TicketsFile(_p4)).Trim().Split(':')[^1];

        var logout = _p4.Run("logout");
        var status = _p4.Run("login", "-s");
        var oldTicket = _p4.RunWith(new Dictionary<string, string> { ["P4PASSWD"] = ticket }, "", "counters");

        Assert.Equal(["User bob logged out."], logout.Out);
        Assert.Empty(File.ReadAllText(SecuredDepot.TicketsFile(_p4)));
        Assert.Equal(["Perforce password (P4PASSWD) invalid or unset."], status.Err);
        Assert.Equal(1, oldTicket.Exit);
    }

    [GeneratedRegex("^localhost:/.+=bob:[0-9A-F]{32}$")]
    private static partial Regex TicketLine();

    [GeneratedRegex("^[0-9A-F]{32}$")]
    private static partial Regex TicketValue();
}
