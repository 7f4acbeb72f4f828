namespace P4Flow.P4Sim.Tests.Commands;

public sealed class ShelveSubmitTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    private const string NewChangeForm = "Change:\tnew\n\nDescription:\n\tIntegrate main to rel\n";

    /// <summary>Opens a.c for edit and new.c for add in a numbered change; returns its number.</summary>
    private int PendingChange()
    {
        _p4.Submit("add", ("rel/a.c", "one\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/rel/a.c"));
        _p4.Write("rel/a.c", "two\n");
        _p4.Write("rel/new.c", "new\n");
        SimHarness.Ok(_p4.Run("add", _p4.Local("rel/new.c")));
        var created = SimHarness.Ok(_p4.RunWithInput(NewChangeForm, "change", "-i"));
        Assert.Equal(["Change 2 created."], created.Out);
        Assert.Equal(
            ["//depot/rel/a.c#1 - reopened; change 2", "//depot/rel/new.c#1 - reopened; change 2"],
            SimHarness.Ok(_p4.Run("reopen", "-c", "2", "//depot/rel/...")).Out);
        return 2;
    }

    [Fact]
    public void ChangeInput_WithFiles_CreatedWithOpenFileCount()
    {
        _p4.Submit("add", ("rel/a.c", "one\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/rel/a.c"));

        var result = _p4.RunWithInput(NewChangeForm + "\nFiles:\n\t//depot/rel/a.c\t# edit\n", "change", "-i");

        Assert.Equal(["Change 2 created with 1 open file(s)."], result.Out);
        Assert.Equal(["//depot/rel/a.c#1 - edit change 2 (text)"], _p4.Run("opened").Out);
    }

    [Fact]
    public void Shelve_PendingChange_ShelvingLinesInReferenceOrder()
    {
        var change = PendingChange();

        var result = _p4.Run("shelve", "-c", $"{change}");

        Assert.Equal(0, result.Exit);
        Assert.Equal(
            ["Shelving files for change 2.", "edit //depot/rel/a.c#1", "add //depot/rel/new.c#1", "Change 2 files shelved."],
            result.Out);
    }

    [Fact]
    public void Shelve_Tagged_ChangeDepotFileRevAction()
    {
        var change = PendingChange();

        var result = _p4.Run("-ztag", "shelve", "-c", $"{change}");

        Assert.Equal(
            ["Shelving files for change 2.", "... change 2", "... depotFile //depot/rel/a.c", "... rev 1", "... action edit", ""],
            result.Out[..6]);
    }

    [Fact]
    public void Shelve_AgainWithoutForce_AlreadyShelvedExitOne()
    {
        var change = PendingChange();
        SimHarness.Ok(_p4.Run("shelve", "-c", $"{change}"));

        var result = _p4.Run("shelve", "-c", $"{change}");

        Assert.Equal(1, result.Exit);
        Assert.Contains("//depot/rel/a.c - already shelved, use -f to update.", result.Err);
        Assert.Equal(0, _p4.Run("shelve", "-f", "-c", $"{change}").Exit);
    }

    [Fact]
    public void Submit_ChangeWithShelvedFiles_FailsWithTwoSpacesAfterDashes()
    {
        var change = PendingChange();
        SimHarness.Ok(_p4.Run("shelve", "-c", $"{change}"));

        var result = _p4.Run("submit", "-c", $"{change}");

        Assert.Equal(1, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(["Change 2 has shelved files --  cannot submit."], result.Err);
    }

    [Fact]
    public void Submit_AfterDeletingShelf_Submitted()
    {
        var change = PendingChange();
        SimHarness.Ok(_p4.Run("shelve", "-c", $"{change}"));

        var deleted = _p4.Run("shelve", "-d", "-c", $"{change}");
        var result = _p4.Run("submit", "-c", $"{change}");

        Assert.Equal(["Shelved change 2 deleted."], deleted.Out);
        Assert.Equal(0, result.Exit);
        Assert.Equal(
            ["Submitting change 2.", "Locking 2 files ...", "edit //depot/rel/a.c#2", "add //depot/rel/new.c#1", "Change 2 submitted."],
            result.Out);
        Assert.Equal(["File(s) not opened on this client."], _p4.Run("opened").Err);
    }

    [Fact]
    public void SubmitE_ShelvedChange_SubmitsShelvedContent()
    {
        var change = PendingChange();
        SimHarness.Ok(_p4.Run("shelve", "-c", $"{change}"));

        var result = _p4.Run("submit", "-e", $"{change}");

        Assert.Equal(0, result.Exit);
        Assert.Equal("Change 2 submitted.", result.Out[^1]);
        Assert.Equal(["two"], _p4.Run("print", "-q", "//depot/rel/a.c").Out);
    }

    [Fact]
    public void SubmitE_ChangeWithoutShelf_DoesNotHaveShelvedFiles()
    {
        var change = PendingChange();

        var result = _p4.Run("submit", "-e", $"{change}");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Change 2 does not have shelved files --  cannot submit."], result.Err);
    }

    [Fact]
    public void Submit_LaterChangeExists_RenamedAndSubmitted()
    {
        var change = PendingChange();
        _p4.CreateClient("ws2", Path.Combine(_p4.Folder, "ws2"), "alice");
        Directory.CreateDirectory(Path.Combine(_p4.Folder, "ws2", "other"));
        File.WriteAllText(Path.Combine(_p4.Folder, "ws2", "other", "x.c"), "x\n");
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "add", "//depot/other/x.c"));
        Assert.Equal("Change 3 submitted.", SimHarness.Ok(_p4.RunOther("alice", "ws2", "submit", "-d", "other")).Out[^1]);

        var result = _p4.Run("submit", "-c", $"{change}");

        Assert.Equal("Change 2 renamed change 4 and submitted.", result.Out[^1]);
        Assert.Equal("Change 4 on 2024/05/01 by bob@ws 'Integrate main to rel'", _p4.Run("changes", "-m1").Out[0]);
    }

    [Fact]
    public void Submit_Tagged_EndsWithSubmittedChange()
    {
        _p4.Write("a.c", "x\n");
        SimHarness.Ok(_p4.Run("add", _p4.Local("a.c")));

        var result = _p4.Run("-ztag", "submit", "-d", "tagged");

        Assert.Equal(["... submittedChange 1"], result.Out[^1..]);
        Assert.Contains("... depotFile //depot/a.c", result.Out);
    }

    [Fact]
    public void Submit_UnresolvedFile_MergesStillPendingExitOne()
    {
        _p4.BranchedFile();
        _p4.Submit("main", ("main/a.c", SimHarness.TenLines((5, "main"))));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));

        var result = _p4.Run("submit", "-d", "merge");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Submitting change 4."], result.Out);
        Assert.Equal(
            ["Merges still pending -- use 'resolve' to merge files.", "Submit failed -- fix problems above then use 'p4 submit -c 4'."],
            result.Err);
    }

    [Fact]
    public void Shelve_UnresolvedFile_MustResolveBeforeShelving()
    {
        _p4.BranchedFile();
        _p4.Submit("main", ("main/a.c", SimHarness.TenLines((5, "main"))));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tx\n\nFiles:\n\t//depot/rel/a.c\n", "change", "-i"));

        var result = _p4.Run("shelve", "-c", "4");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["//depot/rel/a.c - must resolve //depot/main/a.c#2 before shelving"], result.Err);
    }

    [Fact]
    public void Submit_OutOfDateFile_MustSyncResolve()
    {
        _p4.Submit("add", ("a.c", "one\n"));
        _p4.CreateClient("ws2", Path.Combine(_p4.Folder, "ws2"), "alice");
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "sync"));
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "edit", "//depot/a.c"));
        _p4.Submit("bob edit", ("a.c", "two\n"));

        var result = _p4.RunOther("alice", "ws2", "submit", "-d", "late");

        Assert.Equal(1, result.Exit);
        Assert.Equal(
            ["//depot/a.c - must sync/resolve #2 before submitting", "Out of date files must be resolved or reverted.",
             "Submit failed -- fix problems above then use 'p4 submit -c 3'."],
            result.Err);
    }

    [Fact]
    public void Submit_FileLockedByOtherClient_CouldNotBeLocked()
    {
        _p4.Submit("add", ("a.c", "one\n"));
        _p4.CreateClient("ws2", Path.Combine(_p4.Folder, "ws2"), "alice");
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "sync"));
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "edit", "//depot/a.c"));
        Assert.Equal(["//depot/a.c - locking"], SimHarness.Ok(_p4.RunOther("alice", "ws2", "lock")).Out);
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));

        var result = _p4.Run("submit", "-d", "blocked");

        Assert.Equal(1, result.Exit);
        Assert.Equal(
            ["//depot/a.c - already locked", "File(s) couldn't be locked.", "Submit failed -- fix problems above then use 'p4 submit -c 2'."],
            result.Err);
    }

    [Fact]
    public void Submit_Integration_HistoryAndDescribe()
    {
        _p4.BranchedFile();
        _p4.Submit("main", ("main/a.c", SimHarness.TenLines((5, "main"))));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
        SimHarness.Ok(_p4.Run("resolve", "-am"));
        SimHarness.Ok(_p4.Run("submit", "-d", "Integrate main to rel"));

        var describe = _p4.Run("describe", "-s", "4");

        Assert.Equal(
            ["Change 4 by bob@ws on 2024/05/01 12:00:00", "", "\tIntegrate main to rel", "", "Affected files ...", "", "... //depot/rel/a.c#2 integrate"],
            describe.Out);
        Assert.Equal(["All revision(s) already integrated."], _p4.Run("integrate", "//depot/main/...", "//depot/rel/...").Err);
    }
}
