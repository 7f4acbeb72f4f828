namespace P4Flow.P4Sim.Tests.Demo;

public sealed class InitDemoTests : IDisposable
{
    private readonly SimHarness _p4 = new(createClient: false);
    private readonly string _demo;
    private readonly Dictionary<string, string> _environment;

    public InitDemoTests()
    {
        _demo = Path.Combine(_p4.Folder, "demo");
        SimHarness.Ok(_p4.Run("init-demo", _demo));
        _environment = new Dictionary<string, string>(_p4.Environment)
        {
            ["P4PORT"] = _demo,
            ["P4USER"] = "demo",
            ["P4CLIENT"] = "demo-ws",
        };
    }

    public void Dispose() => _p4.Dispose();

    private P4Result Demo(params string[] args) => _p4.RunAs(_environment, "", args);

    [Fact]
    public void InitDemo_History_MainAndRelShareHistory()
    {
        var changes = Demo("changes");

        Assert.Equal(5, changes.Out.Length);
        Assert.Equal("Change 2 on 2024/05/01 by demo@demo-ws 'Branch main to rel'", changes.Out[3]);
    }

    [Fact]
    public void InitDemo_IntegrateMainToRel_OneCleanOneConflictOneBinary()
    {
        var integrate = Demo("integrate", "-b", "main-rel");
        var resolve = Demo("resolve", "-am");
        var pending = Demo("resolve", "-n");
        var workspace = Path.Combine(_demo, "workspace");

        Assert.Equal(
            ["//depot/rel/clean.c#2 - integrate from //depot/main/clean.c#2",
             "//depot/rel/conflict.c#2 - integrate from //depot/main/conflict.c#2",
             "//depot/rel/logo.bin#1 - integrate from //depot/main/logo.bin#2"],
            integrate.Out);
        Assert.Equal(0, resolve.Exit);
        Assert.Contains("//demo-ws/rel/clean.c - merge from //depot/main/clean.c", resolve.Out);
        Assert.Contains("//demo-ws/rel/conflict.c - resolve skipped.", resolve.Out);
        Assert.Contains("//demo-ws/rel/logo.bin - resolve skipped.", resolve.Out);
        Assert.Equal(
            [$"{workspace}/rel/conflict.c - merging //depot/main/conflict.c#2", $"{workspace}/rel/logo.bin - vs //depot/main/logo.bin#2"],
            pending.Out);
    }

    [Fact]
    public void InitDemo_ExistingDepot_RefusesExitOne()
    {
        var again = _p4.Run("init-demo", _demo);

        Assert.Equal(1, again.Exit);
    }
}
