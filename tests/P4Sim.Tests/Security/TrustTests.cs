using System.Text.Json;

namespace P4Flow.P4Sim.Tests.Security;

/// <summary>The depot reached over ssl:, with the client's trust file in $HOME/.p4trust unless P4TRUST says otherwise.</summary>
public sealed class TrustTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public TrustTests() => Ssl = new Dictionary<string, string> { ["P4PORT"] = "ssl:" + _p4.DepotRoot };

    private Dictionary<string, string> Ssl { get; }

    private string TrustFile => Path.Combine(_p4.Folder, ".p4trust");

    public void Dispose() => _p4.Dispose();

    private P4Result OverSsl(params string[] args) => _p4.RunWith(Ssl, "", args);

    private P4Result OverSslWithInput(string input, params string[] args) => _p4.RunWith(Ssl, input, args);

    /// <summary>The administrator's view of the key (p4d -Gf); "sslkey -r" rotates it.</summary>
    private string Fingerprint(params string[] args) => SimHarness.Ok(_p4.Run(["sslkey", .. args])).Out.Single()["Fingerprint: ".Length..];

    private string[] UnknownKey(string fingerprint) =>
    [
        $"The authenticity of '{_p4.DepotRoot}' can't be established,",
        "this may be your first attempt to connect to this P4PORT.",
        "The fingerprint for the key sent to your client is",
        fingerprint,
        "To allow connection use the 'p4 trust' command.",
    ];

    private string[] ChangedKey(string fingerprint) =>
    [
        "******* WARNING P4PORT IDENTIFICATION HAS CHANGED! *******",
        "It is possible that someone is intercepting your connection",
        $"to the Perforce P4PORT '{_p4.DepotRoot}'",
        "If this is not a scheduled key change, then you should contact",
        "your Perforce administrator.",
        "The fingerprint for the mismatched key sent to your client is",
        fingerprint,
        "To allow connection use the 'p4 trust' command.",
    ];

    [Fact]
    public void FirstConnection_Refused_WithTheKeysFingerprint()
    {
        var fingerprint = Fingerprint();

        var result = OverSsl("opened");

        Assert.Equal(1, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(UnknownKey(fingerprint), result.Err);
    }

    [Fact]
    public void FirstConnection_ScriptAndJsonForms()
    {
        var fingerprint = Fingerprint();

        var script = OverSsl("-s", "opened");
        var json = OverSsl("-ztag", "-Mj", "opened");

        Assert.Equal([.. UnknownKey(fingerprint).Select(l => "error: " + l), "exit: 1"], script.Out);
        using var error = JsonDocument.Parse(json.Err.Single());
        Assert.Equal(string.Join('\n', UnknownKey(fingerprint)) + "\n", error.RootElement.GetProperty("data").GetString());
        Assert.Equal(38, error.RootElement.GetProperty("generic").GetInt32());
    }

    [Fact]
    public void TrustInstall_RightFingerprint_LetsCommandsThrough()
    {
        var fingerprint = Fingerprint();

        var trust = OverSsl("trust", "-i", fingerprint);
        var result = OverSsl("opened");

        Assert.Equal(0, trust.Exit);
        Assert.Equal(
            [
                "The fingerprint of the server of your P4PORT setting",
                $"'ssl:{_p4.DepotRoot}' ({_p4.DepotRoot}) is not known.",
                $"That fingerprint is {fingerprint}",
                $"Added trust for P4PORT 'ssl:{_p4.DepotRoot}' ({_p4.DepotRoot})",
            ],
            trust.Out);
        Assert.Equal(0, result.Exit);
        Assert.Equal([$"localhost:{_p4.DepotRoot}=**++**:{fingerprint}"], File.ReadAllLines(TrustFile));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(TrustFile));
    }

    [Fact]
    public void TrustInstall_WrongFingerprint_StillRefused()
    {
        Fingerprint();
        SimHarness.Ok(OverSsl("trust", "-i", "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33"));

        var result = OverSsl("opened");

        Assert.Equal(1, result.Exit);
        Assert.Equal("******* WARNING P4PORT IDENTIFICATION HAS CHANGED! *******", result.Err[0]);
    }

    [Fact]
    public void RotatedKey_Refused_WithTheWarningBlock()
    {
        SimHarness.Ok(OverSsl("trust", "-y"));
        var rotated = Fingerprint("-r");

        var result = OverSsl("opened");

        Assert.Equal(1, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(ChangedKey(rotated), result.Err);
    }

    [Fact]
    public void RotatedKey_TrustWithoutForce_RefusedExitOne_ForceWithYesAccepts()
    {
        SimHarness.Ok(OverSsl("trust", "-y"));
        var rotated = Fingerprint("-r");

        var plain = OverSsl("trust", "-y");
        var forced = OverSslWithInput("yes\n", "trust", "-f");
        var result = OverSsl("opened");

        Assert.Equal(1, plain.Exit);
        Assert.Equal(ChangedKey(rotated), plain.Err);
        Assert.Equal(["Can't trust mismatched P4PORT key without the '-f' force option."], plain.Out);
        Assert.Equal(0, forced.Exit);
        Assert.Equal([$"Are you sure you want to establish trust (yes/no)? Added trust for P4PORT 'ssl:{_p4.DepotRoot}' ({_p4.DepotRoot})"], forced.Out);
        Assert.Equal(0, result.Exit);
    }

    [Fact]
    public void Trust_PromptAnsweredNo_NothingTrustedExitOne()
    {
        var result = OverSslWithInput("no\n", "trust");

        Assert.Equal(1, result.Exit);
        Assert.EndsWith("Are you sure you want to establish trust (yes/no)? ", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(TrustFile));
    }

    [Fact]
    public void Trust_No_RefusesExitOne()
    {
        var result = OverSsl("trust", "-n");

        Assert.Equal(1, result.Exit);
        Assert.False(File.Exists(TrustFile));
    }

    [Fact]
    public void Trust_AlreadyTrusted_ListAndDelete()
    {
        var fingerprint = Fingerprint();
        SimHarness.Ok(OverSsl("trust", "-y"));

        var again = OverSsl("trust");
        var list = OverSsl("trust", "-l");
        var delete = OverSsl("trust", "-d");
        var after = OverSsl("opened");

        Assert.Equal(["Trust already established."], again.Out);
        Assert.Equal([$"localhost:{_p4.DepotRoot} {fingerprint}"], list.Out);
        Assert.Equal([$"Removed trust for P4PORT 'ssl:{_p4.DepotRoot}' ({_p4.DepotRoot})"], delete.Out);
        Assert.Equal(UnknownKey(fingerprint), after.Err);
    }

    [Fact]
    public void ReplacementFingerprint_TakesOverWhenTheKeyRotates()
    {
        SimHarness.Ok(OverSsl("trust", "-y"));
        const string Next = "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D";
        SimHarness.Ok(OverSsl("trust", "-r", "-i", Next));
        Fingerprint("-r", Next);

        var result = OverSsl("opened");

        Assert.Equal(0, result.Exit);
        Assert.Equal([$"localhost:{_p4.DepotRoot}=**++**:{Next}"], File.ReadAllLines(TrustFile));
    }

    [Fact]
    public void P4Trust_NamesTheTrustFile()
    {
        var trustFile = Path.Combine(_p4.Folder, "state", "trust");
        var environment = new Dictionary<string, string>(Ssl) { ["P4TRUST"] = trustFile };

        SimHarness.Ok(_p4.RunWith(environment, "", "trust", "-y"));

        Assert.Equal(0, _p4.RunWith(environment, "", "opened").Exit);
        Assert.True(File.Exists(trustFile));
        Assert.False(File.Exists(TrustFile));
    }

    [Fact]
    public void PlainPort_TrustNotNeeded()
    {
        var plain = _p4.Run("trust");
        var tcp = _p4.RunWith(new Dictionary<string, string> { ["P4PORT"] = "tcp:" + _p4.DepotRoot }, "", "opened");

        Assert.Equal(["Only SSL connections require trust"], plain.Out);
        Assert.Equal(0, tcp.Exit);
    }
}
