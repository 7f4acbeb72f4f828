namespace P4Flow.P4Sim.Tests.Commands;

public sealed class IntegrateTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void Integrate_NewTarget_BranchSyncAndFileWritten()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));

        var result = _p4.Run("integrate", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(["//depot/rel/a.c#1 - branch/sync from //depot/main/a.c#1"], result.Out);
        Assert.Equal("one\n", _p4.Read("rel/a.c"));
        Assert.Equal(["//depot/rel/a.c#1 - branch default change (text)"], _p4.Run("opened").Out);
    }

    [Fact]
    public void Integrate_TwoNewSourceRevisions_IntegrateFromRange()
    {
        _p4.BranchedFile();
        _p4.Submit("e1", ("main/a.c", SimHarness.TenLines((1, "x"))));
        _p4.Submit("e2", ("main/a.c", SimHarness.TenLines((1, "y"))));

        var result = _p4.Run("integrate", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(["//depot/rel/a.c#1 - integrate from //depot/main/a.c#2,#3"], result.Out);
    }

    [Fact]
    public void Integrate_Twice_AllRevisionsAlreadyIntegratedWarning()
    {
        _p4.BranchedFile();
        _p4.Submit("e1", ("main/a.c", SimHarness.TenLines((1, "x"))));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));

        var result = _p4.Run("integrate", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(0, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(["All revision(s) already integrated."], result.Err);
    }

    [Fact]
    public void Integrate_AfterSubmittedIntegration_HistoryRemembered()
    {
        _p4.BranchedFile();

        var result = _p4.Run("integrate", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(["All revision(s) already integrated."], result.Err);
    }

    [Fact]
    public void Integrate_ReverseDirectionAfterBranch_NothingToIntegrate()
    {
        _p4.BranchedFile();

        var result = _p4.Run("integrate", "//depot/rel/...", "//depot/main/...");

        Assert.Equal(["All revision(s) already integrated."], result.Err);
    }

    [Fact]
    public void Integrate_BranchSpecWithFileArgument_ArgumentPrefixedPlural()
    {
        _p4.BranchedFile();
        SimHarness.Ok(_p4.RunWithInput("Branch:\tmain-rel\n\nView:\n\t//depot/main/... //depot/rel/...\n", "branch", "-i"));

        Assert.Equal(["All revision(s) already integrated."], _p4.Run("integrate", "-b", "main-rel").Err);
        Assert.Equal(["//depot/rel/... - all revision(s) already integrated."], _p4.Run("integrate", "-b", "main-rel", "//depot/rel/...").Err);
    }

    [Fact]
    public void Integrate_BranchSpec_SameResultAsFileSpecs()
    {
        _p4.BranchedFile();
        _p4.Submit("e1", ("main/a.c", SimHarness.TenLines((1, "x"))));
        SimHarness.Ok(_p4.RunWithInput("Branch:\tmain-rel\n\nView:\n\t//depot/main/... //depot/rel/...\n", "branch", "-i"));

        var result = _p4.Run("integrate", "-b", "main-rel");

        Assert.Equal(["//depot/rel/a.c#1 - integrate from //depot/main/a.c#2"], result.Out);
    }

    [Fact]
    public void Integrate_SourceDeleted_DeleteFrom()
    {
        _p4.BranchedFile();
        SimHarness.Ok(_p4.Run("delete", "//depot/main/a.c"));
        SimHarness.Ok(_p4.Run("submit", "-d", "remove"));

        var result = _p4.Run("integrate", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(["//depot/rel/a.c#1 - delete from //depot/main/a.c#2"], result.Out);
        Assert.False(File.Exists(_p4.Local("rel/a.c")));
    }

    [Fact]
    public void Integrate_ExclusiveTargetOpenedElsewhere_InfoOnStdoutExitZero()
    {
        _p4.Write("main/a.c", "one\n");
        SimHarness.Ok(_p4.Run("add", "-t", "text+l", _p4.Local("main/a.c")));
        SimHarness.Ok(_p4.Run("submit", "-d", "add"));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
        SimHarness.Ok(_p4.Run("submit", "-d", "branch"));
        _p4.Submit("e1", ("main/a.c", "two\n"));
        _p4.CreateClient("ws2", Path.Combine(_p4.Folder, "ws2"), "alice");
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "sync"));
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "edit", "//depot/rel/a.c"));

        var result = _p4.Run("integrate", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/rel/a.c - can't integrate exclusive file already opened"], result.Out);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public void IntegrateH_TargetNotAtHead_MustSyncBeforeIntegrating()
    {
        _p4.BranchedFile();
        _p4.Submit("rel edit", ("rel/a.c", SimHarness.TenLines((9, "rel"))));
        _p4.Submit("main edit", ("main/a.c", SimHarness.TenLines((1, "main"))));
        SimHarness.Ok(_p4.Run("sync", "//depot/rel/a.c#1"));

        var result = _p4.Run("integrate", "-h", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/rel/a.c - must sync before integrating."], result.Err);
    }

    [Fact]
    public void Integrate_TargetNotAtHead_SyncsItFirst()
    {
        _p4.BranchedFile();
        _p4.Submit("rel edit", ("rel/a.c", SimHarness.TenLines((9, "rel"))));
        _p4.Submit("main edit", ("main/a.c", SimHarness.TenLines((1, "main"))));
        SimHarness.Ok(_p4.Run("sync", "//depot/rel/a.c#1"));

        var result = SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));

        // "By default, target files are automatically synced to the head revision" (p4 help integrate).
        Assert.Equal(["//depot/rel/a.c#2 - sync/integrate from //depot/main/a.c#2"], result.Out);
        Assert.Equal(SimHarness.TenLines((9, "rel")), _p4.Read("rel/a.c"));
    }

    [Fact]
    public void Integrate_PreviewTagged_DocumentedFieldNames()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));

        var result = _p4.Run("-ztag", "integrate", "-n", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(
            ["... depotFile //depot/rel/a.c", $"... clientFile {_p4.Root}/rel/a.c", "... workRev 1", "... action branch",
             "... fromFile //depot/main/a.c", "... startFromRev none", "... endFromRev 1"],
            result.Out);
        Assert.Equal(["File(s) not opened on this client."], _p4.Run("opened").Err);
    }

    [Fact]
    public void Integrate_NoSourceFiles_NoSuchFiles()
    {
        var result = _p4.Run("integrate", "//depot/nothing/...", "//depot/rel/...");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/nothing/... - no such file(s)."], result.Err);
    }
}
