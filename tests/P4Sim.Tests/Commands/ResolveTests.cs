namespace P4Flow.P4Sim.Tests.Commands;

public sealed class ResolveTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    private string RelLocal => _p4.Local("rel/a.c");

    /// <summary>Branches main/a.c to rel, changes both sides as given, and integrates main into rel.</summary>
    private void Diverge((int Line, string Text)[] main, (int Line, string Text)[] rel)
    {
        _p4.BranchedFile();
        _p4.Submit("main edit", ("main/a.c", SimHarness.TenLines(main)));
        if (rel.Length > 0)
        {
            _p4.Submit("rel edit", ("rel/a.c", SimHarness.TenLines(rel)));
        }

        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
    }

    [Fact]
    public void ResolveAm_ChangesOnBothSidesApart_MergesCleanly()
    {
        Diverge([(2, "main")], [(9, "rel")]);

        var result = _p4.Run("resolve", "-am");

        Assert.Equal(0, result.Exit);
        Assert.Equal(
            [$"{RelLocal} - merging //depot/main/a.c#2", "Diff chunks: 1 yours + 1 theirs + 0 both + 0 conflicting", "//ws/rel/a.c - merge from //depot/main/a.c"],
            result.Out);
        Assert.Equal(SimHarness.TenLines((2, "main"), (9, "rel")), _p4.Read("rel/a.c"));
        Assert.Equal(["No file(s) to resolve."], _p4.Run("resolve", "-n").Err);
    }

    [Fact]
    public void ResolveAm_Conflict_SkippedAndExitsZero()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var result = _p4.Run("resolve", "-am");

        Assert.Equal(0, result.Exit);
        Assert.Equal(
            [$"{RelLocal} - merging //depot/main/a.c#2", "Diff chunks: 0 yours + 0 theirs + 0 both + 1 conflicting", "//ws/rel/a.c - resolve skipped."],
            result.Out);
        Assert.Empty(result.Stderr);
        Assert.Equal([$"{RelLocal} - merging //depot/main/a.c#2"], _p4.Run("resolve", "-n").Out);
    }

    [Fact]
    public void ResolveAf_Conflict_LeavesMarkersAndEditFrom()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var result = _p4.Run("resolve", "-af");

        Assert.Equal("//ws/rel/a.c - edit from //depot/main/a.c", result.Out[^1]);
        var expected = "line 1\nline 2\nline 3\nline 4\n" +
            ">>>> ORIGINAL //depot/main/a.c#1\nline 5\n" +
            "==== THEIRS //depot/main/a.c#2\nmain\n" +
            "==== YOURS //ws/rel/a.c\nrel\n" +
            "<<<<\nline 6\nline 7\nline 8\nline 9\nline 10\n";
        Assert.Equal(expected, _p4.Read("rel/a.c"));
    }

    [Fact]
    public void ResolveAm_OnlyTheirsChanged_CopyFrom()
    {
        Diverge([(3, "main")], []);

        var result = _p4.Run("resolve", "-am");

        Assert.Equal(["Diff chunks: 0 yours + 1 theirs + 0 both + 0 conflicting", "//ws/rel/a.c - copy from //depot/main/a.c"], result.Out[1..]);
        Assert.Equal(SimHarness.TenLines((3, "main")), _p4.Read("rel/a.c"));
    }

    [Fact]
    public void ResolveAm_SameChangeBothSidesPlusYours_Ignored()
    {
        Diverge([(5, "same")], [(5, "same"), (9, "rel")]);

        var result = _p4.Run("resolve", "-am");

        Assert.Equal(["Diff chunks: 1 yours + 0 theirs + 1 both + 0 conflicting", "//ws/rel/a.c - ignored //depot/main/a.c"], result.Out[1..]);
        Assert.Equal(SimHarness.TenLines((5, "same"), (9, "rel")), _p4.Read("rel/a.c"));
    }

    [Fact]
    public void ResolveAt_Conflict_TakesTheirs()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var result = _p4.Run("resolve", "-at");

        Assert.Equal("//ws/rel/a.c - copy from //depot/main/a.c", result.Out[^1]);
        Assert.Equal(SimHarness.TenLines((5, "main")), _p4.Read("rel/a.c"));
    }

    [Fact]
    public void ResolveAy_Conflict_KeepsYours()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var result = _p4.Run("resolve", "-ay");

        Assert.Equal("//ws/rel/a.c - ignored //depot/main/a.c", result.Out[^1]);
        Assert.Equal(SimHarness.TenLines((5, "rel")), _p4.Read("rel/a.c"));
    }

    [Fact]
    public void ResolveAs_BothSidesChanged_Skipped()
    {
        Diverge([(2, "main")], [(9, "rel")]);

        var result = _p4.Run("resolve", "-as");

        Assert.Equal("//ws/rel/a.c - resolve skipped.", result.Out[^1]);
    }

    [Fact]
    public void Resolve_BinaryFile_TwoWayAmSkipsAtCopies()
    {
        _p4.Submit("add", ("main/b.bin", "\0one"));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
        SimHarness.Ok(_p4.Run("submit", "-d", "branch"));
        _p4.Submit("main edit", ("main/b.bin", "\0two"));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
        var local = _p4.Local("rel/b.bin");

        var skipped = _p4.Run("resolve", "-am");
        var copied = _p4.Run("resolve", "-at");

        Assert.Equal(
            [$"{local} - vs //depot/main/b.bin#2", "Non-text diff: 0 yours + 1 theirs + 0 both + 0 conflicting", "//ws/rel/b.bin - resolve skipped."],
            skipped.Out);
        Assert.Equal(0, skipped.Exit);
        Assert.Equal(
            [$"{local} - vs //depot/main/b.bin#2", "Non-text diff: 0 yours + 1 theirs + 0 both + 0 conflicting", "//ws/rel/b.bin - copy from //depot/main/b.bin"],
            copied.Out);
        Assert.Equal("\0two", _p4.Read("rel/b.bin"));
    }

    [Fact]
    public void Resolve_NothingPending_NoFilesPluralRule()
    {
        Assert.Equal(["No file(s) to resolve."], _p4.Run("resolve", "-am").Err);
        Assert.Equal(["//ws/... - no file(s) to resolve."], _p4.Run("resolve", "-am", "//ws/...").Err);
        Assert.Equal(0, _p4.Run("resolve", "-am", "//ws/...").Exit);
    }

    [Fact]
    public void ResolvePreview_Tagged_DocumentedFieldNames()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var result = _p4.Run("-ztag", "resolve", "-n");

        Assert.Equal(
            [$"... clientFile {RelLocal}", "... fromFile //depot/main/a.c", "... startFromRev 1", "... endFromRev 2",
             "... resolveType content", "... resolveFlag c", "... contentResolveType 3waytext"],
            result.Out);
    }

    [Fact]
    public void Resolve_Tagged_ResultHasToFileAndHow()
    {
        Diverge([(2, "main")], [(9, "rel")]);

        var result = _p4.Run("-ztag", "resolve", "-am");

        Assert.Contains("Diff chunks: 1 yours + 1 theirs + 0 both + 0 conflicting", result.Out);
        Assert.Equal(["... toFile //ws/rel/a.c", "... how merge from", "... fromFile //depot/main/a.c"], result.Out[^3..]);
    }

    [Fact]
    public void Resolve_IntegratedFileChangedBeforeResolve_TamperedExitOne()
    {
        Diverge([(2, "main")], [(9, "rel")]);
        _p4.Write("rel/a.c", "forced\n");

        var result = _p4.Run("resolve", "-am");

        Assert.Equal(1, result.Exit);
        Assert.Equal([$"{RelLocal} tampered with before resolve - edit or revert."], result.Err);
    }

    [Fact]
    public void FstatRu_Unresolved_BareUnresolvedKeyUntilResolved()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var before = _p4.Run("fstat", "-Ru", "//depot/rel/...");
        SimHarness.Ok(_p4.Run("resolve", "-at"));
        var after = _p4.Run("fstat", "-Ru", "//depot/rel/...");

        Assert.Contains("... unresolved", before.Out);
        Assert.Contains("... action integrate", before.Out);
        Assert.Equal("... depotFile //depot/rel/a.c", before.Out[0]);
        Assert.Empty(after.Stdout);
        Assert.Equal(["//depot/rel/... - no file(s) to resolve."], after.Err);
    }
}
