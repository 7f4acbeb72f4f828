namespace P4Flow.P4Sim.Tests.Security;

public sealed class CounterTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void Counter_SetThenGet()
    {
        var set = _p4.Run("counter", "p4flow.main-rel", "42");
        var get = _p4.Run("counter", "p4flow.main-rel");
        var tagged = _p4.Run("-ztag", "-Mj", "counter", "p4flow.main-rel");

        Assert.Equal(["Counter p4flow.main-rel set."], set.Out);
        Assert.Equal(["42"], get.Out);
        Assert.Equal(["{\"counter\":\"p4flow.main-rel\",\"value\":\"42\"}"], tagged.Out);
    }

    [Fact]
    public void Counter_Unknown_IsZero()
    {
        Assert.Equal(["0"], _p4.Run("counter", "nothing").Out);
    }

    [Fact]
    public void Counters_ListsChangeCounterAndOwn_SortedByName()
    {
        _p4.Submit("one", ("main/a.c", "a\n"));
        SimHarness.Ok(_p4.Run("counter", "zeta", "1"));
        SimHarness.Ok(_p4.Run("counter", "alpha", "2"));

        var text = _p4.Run("counters");
        var tagged = _p4.Run("-ztag", "counters");

        Assert.Equal(["alpha = 2", "change = 1", "zeta = 1"], text.Out);
        Assert.Equal(["... counter alpha", "... value 2", "", "... counter change", "... value 1", "", "... counter zeta", "... value 1"], tagged.Out);
    }

    [Fact]
    public void Counter_ChangeIsTheLastChangeAndProtected()
    {
        _p4.Submit("one", ("main/a.c", "a\n"));

        var get = _p4.Run("counter", "change");
        var set = _p4.Run("counter", "change", "99");

        Assert.Equal(["1"], get.Out);
        Assert.Equal(1, set.Exit);
        Assert.Equal(["1"], _p4.Run("counter", "change").Out);
    }

    [Fact]
    public void Counter_IncrementAndDelete()
    {
        SimHarness.Ok(_p4.Run("counter", "n", "5"));
        SimHarness.Ok(_p4.Run("counter", "word", "abc"));

        var increment = _p4.Run("counter", "-i", "n");
        var notNumeric = _p4.Run("counter", "-i", "word");
        var delete = _p4.Run("counter", "-d", "n");

        Assert.Equal(["6"], increment.Out);
        Assert.Equal(["Can't increment counter 'word' - value is not numeric."], notNumeric.Err);
        Assert.Equal(["Counter n deleted."], delete.Out);
        Assert.Equal(["0"], _p4.Run("counter", "n").Out);
    }

    [Fact]
    public void OlderDepot_WithoutSecurityOrCounters_ReadsAsBefore()
    {
        File.WriteAllText(Path.Combine(_p4.DepotRoot, "depot.json"), """{"LastChange": 3}""");

        Assert.Equal(["change = 3"], _p4.Run("counters").Out);
        Assert.Equal("'login' not necessary, no password set for this user.\n", _p4.Run("login").Stdout);
    }
}
