namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>p4 unshelve: lines, streams and exit codes as REFERENCE.md ("unshelve") records them.</summary>
public sealed class UnshelveTests : IDisposable
{
    private const string NewChangeForm = "Change:\tnew\n\nDescription:\n\tfor review\n";

    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    /// <summary>rel/a.c#1 edited to "two" and rel/new.c added, both shelved in change 2, then reverted.</summary>
    private void ShelvedAndReverted()
    {
        _p4.Submit("add", ("rel/a.c", "one\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/rel/a.c"));
        _p4.Write("rel/a.c", "two\n");
        _p4.Write("rel/new.c", "new\n");
        SimHarness.Ok(_p4.Run("add", _p4.Local("rel/new.c")));
        SimHarness.Ok(_p4.RunWithInput(NewChangeForm, "change", "-i"));
        SimHarness.Ok(_p4.Run("reopen", "-c", "2", "//depot/rel/..."));
        SimHarness.Ok(_p4.Run("shelve", "-c", "2"));
        SimHarness.Ok(_p4.Run("revert", "//depot/rel/..."));
    }

    [Fact]
    public void Unshelve_EditShelf_OpenedForEditWithShelvedContent()
    {
        ShelvedAndReverted();

        var result = _p4.Run("unshelve", "-s", "2", "//depot/rel/a.c");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/rel/a.c#1 - unshelved, opened for edit"], result.Out);
        Assert.Empty(result.Stderr);
        Assert.Equal(["//depot/rel/a.c#1 - edit default change (text)"], _p4.Run("opened").Out);
        Assert.Equal("two\n", _p4.Read("rel/a.c"));
        Assert.True((File.GetUnixFileMode(_p4.Local("rel/a.c")) & UnixFileMode.UserWrite) != 0);
    }

    [Fact]
    public void Unshelve_AddLeftWritableByRevert_CantClobberAndNotOpened()
    {
        ShelvedAndReverted();

        var result = _p4.Run("unshelve", "-s", "2");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["//depot/rel/a.c#1 - unshelved, opened for edit", "//depot/rel/new.c#none - unshelved, opened for add"], result.Out);
        Assert.Equal([$"Can't clobber writable file {_p4.Local("rel/new.c")}"], result.Err);
        Assert.Equal(["//depot/rel/a.c#1 - edit default change (text)"], _p4.Run("opened").Out);
    }

    [Fact]
    public void UnshelveF_WritableFile_ClobberedAndOpenedForAdd()
    {
        ShelvedAndReverted();
        _p4.Write("rel/new.c", "local\n");

        var result = _p4.Run("unshelve", "-f", "-s", "2", "//depot/rel/new.c");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/rel/new.c#none - unshelved, opened for add"], result.Out);
        Assert.Equal("new\n", _p4.Read("rel/new.c"));
        Assert.Equal(["//depot/rel/new.c#1 - add default change (text)"], _p4.Run("opened").Out);
    }

    [Fact]
    public void UnshelveC_NumberedChange_OpenedThere()
    {
        ShelvedAndReverted();
        SimHarness.Ok(_p4.RunWithInput(NewChangeForm, "change", "-i"));

        SimHarness.Ok(_p4.Run("unshelve", "-s", "2", "-c", "3", "//depot/rel/a.c"));

        Assert.Equal(["//depot/rel/a.c#1 - edit change 3 (text)"], _p4.Run("opened").Out);
    }

    [Fact]
    public void Unshelve_Tagged_DepotFileRevAction()
    {
        ShelvedAndReverted();

        var result = _p4.Run("-ztag", "unshelve", "-s", "2", "//depot/rel/a.c");

        Assert.Equal(["... depotFile //depot/rel/a.c", "... rev 1", "... action edit"], result.Out);
    }

    [Fact]
    public void Unshelve_UnknownChange_UnknownExitOne()
    {
        var result = _p4.Run("unshelve", "-s", "42");

        Assert.Equal(1, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(["Change 42 unknown."], result.Err);
    }

    [Fact]
    public void Unshelve_ChangeWithoutShelvedFiles_NoFilesToUnshelveWarning()
    {
        SimHarness.Ok(_p4.RunWithInput(NewChangeForm, "change", "-i"));

        var result = _p4.Run("unshelve", "-s", "1");

        Assert.Equal(0, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(["Change 1 - no file(s) to unshelve."], result.Err);
    }

    [Fact]
    public void Unshelve_FileArgumentNotShelved_PerArgumentWarning()
    {
        ShelvedAndReverted();

        var result = _p4.Run("unshelve", "-s", "2", "//depot/other/...");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/other/... - no file(s) to unshelve."], result.Err);
    }

    [Fact]
    public void Unshelve_WithoutS_UsageExitOne()
    {
        var result = _p4.Run("unshelve");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Usage: unshelve -s changelist# [options] [file ...]", "Missing/wrong number of arguments."], result.Err);
    }

    [Fact]
    public void Unshelve_FileOpenedForDelete_CantUnshelveOnStdoutExitZero()
    {
        ShelvedAndReverted();
        SimHarness.Ok(_p4.Run("delete", "//depot/rel/a.c"));

        var result = _p4.Run("unshelve", "-s", "2", "//depot/rel/a.c");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/rel/a.c - can't unshelve (already opened for delete)"], result.Out);
        Assert.Empty(result.Stderr);
        Assert.Equal(["//depot/rel/a.c#1 - delete default change (text)"], _p4.Run("opened").Out);
    }

    [Fact]
    public void Unshelve_EditOverOpenEdit_MustResolveShelfThenMerges()
    {
        _p4.Submit("add", ("rel/a.c", SimHarness.TenLines()));
        SimHarness.Ok(_p4.Run("edit", "//depot/rel/a.c"));
        _p4.Write("rel/a.c", SimHarness.TenLines((2, "shelved")));
        SimHarness.Ok(_p4.RunWithInput(NewChangeForm, "change", "-i"));
        SimHarness.Ok(_p4.Run("reopen", "-c", "2", "//depot/rel/a.c"));
        SimHarness.Ok(_p4.Run("shelve", "-c", "2"));
        _p4.Write("rel/a.c", SimHarness.TenLines((9, "mine")));

        var result = _p4.Run("unshelve", "-s", "2");

        Assert.Equal(0, result.Exit);
        Assert.Equal(
            ["//depot/rel/a.c#1 - unshelved, opened for edit", "... //depot/rel/a.c - must resolve //depot/rel/a.c@=2 before submitting"],
            result.Out);
        Assert.Equal([$"{_p4.Local("rel/a.c")} - merging //depot/rel/a.c@=2"], _p4.Run("resolve", "-n").Out);
        Assert.Equal("//ws/rel/a.c - merge from //depot/rel/a.c", SimHarness.Ok(_p4.Run("resolve", "-am")).Out[^1]);
        Assert.Equal(SimHarness.TenLines((2, "shelved"), (9, "mine")), _p4.Read("rel/a.c"));
    }

    [Fact]
    public void Unshelve_ShelfBasedOnOlderRevision_HaveIsShelfBaseSoSyncSchedulesResolve()
    {
        ShelvedAndReverted();
        _p4.Submit("later", ("rel/a.c", "three\n"));

        SimHarness.Ok(_p4.Run("unshelve", "-s", "2", "//depot/rel/a.c"));
        var sync = _p4.Run("sync", "//depot/rel/a.c");

        Assert.Equal(["//depot/rel/a.c - must resolve #2 before submitting"], sync.Out);
    }
}
