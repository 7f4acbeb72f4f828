namespace P4Flow.P4Sim.Tests.Security;

public sealed class ConfigureTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    // Raising the level locks out users without a password, so the administrator has one and is logged in.
    public ConfigureTests()
    {
        SecuredDepot.SetPassword(_p4);
        SimHarness.Ok(SecuredDepot.Login(_p4));
    }

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void ConfigureSet_Security_ConfirmsForAnyServer()
    {
        var text = _p4.Run("configure", "set", "security=3");
        var script = _p4.Run("-s", "configure", "set", "security=2");

        Assert.Equal(["For server 'any', configuration variable 'security' set to '3'"], text.Out);
        Assert.Equal(["info: For server 'any', configuration variable 'security' set to '2'", "exit: 0"], script.Out);
    }

    [Fact]
    public void ConfigureShow_Security_SetOrDefault()
    {
        var before = _p4.Run("configure", "show", "security");
        SimHarness.Ok(_p4.Run("configure", "set", "security=1"));
        var after = _p4.Run("configure", "show", "security");

        Assert.Equal(["security=0 (default)"], before.Out);
        Assert.Equal(["security=1 (configure)"], after.Out);
    }

    [Fact]
    public void ConfigureSet_BadSecurityValue_Refused()
    {
        var result = _p4.Run("configure", "set", "security=high");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Configuration variable 'security' may not be set to 'high'."], result.Err);
    }

    [Fact]
    public void ConfigureUnset_BackToLevelZero()
    {
        SimHarness.Ok(_p4.Run("configure", "set", "security=1"));

        var result = _p4.Run("configure", "unset", "security");

        Assert.Equal(["For server 'any', configuration variable 'security' removed."], result.Out);
        Assert.Equal(["security=0 (default)"], _p4.Run("configure", "show", "security").Out);
    }
}
