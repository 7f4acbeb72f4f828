namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>
/// Shelving an integration for its owner: the steps before unshelve (REFERENCE.md, "Shelving a resolved
/// integration"): resolve -af, shelve -c of the resolved file, revert -k, describe -S.
/// </summary>
public sealed class ShelveIntegrationTests : IDisposable
{
    private const string ChangeForm = "Change:\tnew\n\nDescription:\n\tConflict for alice\n\nFiles:\n\t//depot/rel/a.c\n";

    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    /// <summary>main and rel both change line 5, then main is integrated into rel (changes 1-4).</summary>
    private void Conflict()
    {
        _p4.BranchedFile();
        _p4.Submit("main", ("main/a.c", SimHarness.TenLines((5, "main"))));
        _p4.Submit("rel", ("rel/a.c", SimHarness.TenLines((5, "rel"))));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
    }

    [Fact]
    public void ShelveC_ForcedMerge_ShelvesIntegrateAndRevertKKeepsTheMarkers()
    {
        Conflict();
        SimHarness.Ok(_p4.Run("resolve", "-af"));
        SimHarness.Ok(_p4.RunWithInput(ChangeForm, "change", "-i"));
        var merged = _p4.Read("rel/a.c");

        var shelved = _p4.Run("shelve", "-c", "5");
        var reverted = _p4.Run("revert", "-k", "//depot/rel/a.c");

        Assert.Equal(["Shelving files for change 5.", "integrate //depot/rel/a.c#2", "Change 5 files shelved."], shelved.Out);
        Assert.Equal(["//depot/rel/a.c#2 - was integrate, reverted"], reverted.Out);
        Assert.Contains("<<<<\n", merged, StringComparison.Ordinal);
        Assert.Equal(merged, _p4.Read("rel/a.c"));
        Assert.Equal(
            ["Change 5 by bob@ws on 2024/05/01 12:00:00 *pending*", "", "\tConflict for alice", "", "Shelved files ...", "", "... //depot/rel/a.c#2 integrate"],
            _p4.Run("describe", "-S", "5").Out);
        Assert.Equal(
            "{\"change\":\"5\",\"user\":\"bob\",\"client\":\"ws\",\"time\":\"1714564800\",\"desc\":\"Conflict for alice\\n\",\"status\":\"pending\",\"changeType\":\"public\",\"shelved\":\"\",\"depotFile0\":\"//depot/rel/a.c\",\"action0\":\"integrate\",\"type0\":\"text\",\"rev0\":\"2\"}",
            _p4.Run("-ztag", "-Mj", "describe", "-S", "5").Out[0]);
    }

    [Fact]
    public void ShelveC_UnresolvedIntegration_MustResolveWithCatalogGenericZero()
    {
        Conflict();
        SimHarness.Ok(_p4.RunWithInput(ChangeForm, "change", "-i"));

        var text = _p4.Run("shelve", "-c", "5");
        var tagged = _p4.Run("-ztag", "-Mj", "shelve", "-c", "5");

        Assert.Equal((1, ""), (text.Exit, text.Stdout));
        Assert.Equal(["//depot/rel/a.c - must resolve //depot/main/a.c#2 before shelving"], text.Err);
        Assert.Equal(["{\"data\":\"//depot/rel/a.c - must resolve //depot/main/a.c#2 before shelving\\n\",\"severity\":3,\"generic\":0}"], tagged.Err);
    }
}
